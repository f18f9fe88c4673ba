package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.config.Settings;
import org.mpp.store.Claim;
import org.mpp.store.JobStore;
import org.mpp.store.NodeStore;
import org.mpp.store.Stage;
import org.mpp.store.Status;
import org.mpp.store.TaskStore;
import org.mpp.store.TestDatabases;
import org.mpp.store.Uuids;

/**
 * A node's housekeeping (issue 11): it runs beside the heartbeat, never in its way; it takes back tasks the node holds
 * in the database but no worker of it runs; it removes the work folders of jobs deleted with plain SQL. The node runs
 * no workers here: no media is involved.
 */
class NodeHousekeepingTest {
    @TempDir
    Path dir;
    Node node;
    TestDatabases.Fresh fresh;

    Settings settings(String extra) {
        return Settings.from(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.node.roles { ingest = 0, transcode = 0, export = 0 }
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.poll-millis = 50
                %s
                """.formatted(dir.resolve("work"), extra)).withFallback(ConfigFactory.defaultReference()).resolve());
    }

    @AfterEach
    void tearDown() {
        if (node != null) {
            node.close();
        }
        if (fresh != null) {
            fresh.close();
        }
    }

    @Test
    void aHousekeepingRoundThatBlocksDoesNotStopTheHeartbeat() throws Exception {
        fresh = TestDatabases.mariaDb();
        node = Node.builder(settings("""
                mpp.db.url = "%s"
                mpp.db.user = "%s"
                mpp.node.lease-seconds = 6
                mpp.db.statement-timeout = 5
                """.formatted(fresh.url(), fresh.user()))).build();
        NodeStore nodes = new NodeStore(node.database());
        try (Connection holder = node.database().dataSource().getConnection(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(true);
            s.executeUpdate("INSERT INTO job (sourceName, dateAdded) VALUES ('held.mp4', CURRENT_TIMESTAMP)");
            holder.setAutoCommit(false);
            // Adopting this row is the first thing housekeeping does; while this transaction holds it, housekeeping waits.
            s.executeQuery("SELECT jobID FROM job WHERE sourceName = 'held.mp4' FOR UPDATE").close();
            try {
                node.start();
                Set<LocalDateTime> beats = new HashSet<>();
                await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    nodes.list().forEach(n -> beats.add(n.lastAccess()));
                    return beats.size() >= 8;
                });
                assertThat(new JobStore(node.database()).list(1).get(0).uuid()).as("adoption was still waiting on the row").isNull();
            } finally {
                holder.rollback();
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> new JobStore(node.database()).list(1).get(0).uuid() != null);
    }

    @Test
    void aTaskTheNodeHoldsButNoWorkerRunsIsRecoveredAfterItsLease() {
        node = Node.builder(settings("")).build();
        JobStore jobs = new JobStore(node.database());
        TaskStore tasks = new TaskStore(node.database());
        UUID job = jobs.submit("lost.mp4", 0);
        node.start();
        // The claim is written under the node's UUID, but its answer never reached a worker (as when the connection
        // dropped after the commit): nothing in the node runs it.
        Claim lost = tasks.claim(Stage.INGEST, node.id(), 1, Duration.ofSeconds(2)).get(0);
        assertThat(lost.job()).isEqualTo(job);

        await().atMost(Duration.ofSeconds(20)).until(() -> !tasks.stillHeld(lost));

        assertThat(jobs.job(job).orElseThrow().status()).as("recovered: the job is back before its ingest").isEqualTo(Status.IMPORTED);
    }

    @Test
    void theWorkFoldersOfAJobDeletedWithPlainSqlAreRemoved() throws Exception {
        node = Node.builder(settings("")).build();
        JobStore jobs = new JobStore(node.database());
        UUID live = jobs.submit("live.mp4", 0);
        UUID gone = jobs.submit("gone.mp4", 0);
        Path work = dir.resolve("work");
        for (UUID job : List.of(live, gone)) {
            Files.createDirectories(work.resolve("ingest").resolve(Uuids.hex(job)).resolve("a1"));
            Files.writeString(work.resolve("ingest").resolve(Uuids.hex(job)).resolve("a1/segment-00000.ts"), "x");
            Files.createDirectories(work.resolve("transcode").resolve(Uuids.hex(job)).resolve("720p"));
            Files.createDirectories(work.resolve("export").resolve(Uuids.hex(job)));
            Files.writeString(work.resolve("export").resolve(Uuids.hex(job)).resolve(".a720p30.mp4.1234.tmp"), "half");
        }
        Files.writeString(work.resolve("export").resolve(Uuids.hex(gone)).resolve("done720p30.mp4"), "finished");
        // A local run of the CLI's transcode command in the same work folder has no job row.
        Path local = Files.createDirectories(work.resolve("ingest").resolve("local-" + Uuids.hex(UUID.randomUUID())));
        try (Connection c = node.database().dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.executeUpdate("DELETE FROM job WHERE jobID = " + jobs.job(gone).orElseThrow().id());
        }

        node.start();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(work.resolve("ingest").resolve(Uuids.hex(gone))).doesNotExist();
            assertThat(work.resolve("transcode").resolve(Uuids.hex(gone))).doesNotExist();
            assertThat(work.resolve("export").resolve(Uuids.hex(gone)).resolve(".a720p30.mp4.1234.tmp")).doesNotExist();
        });
        assertThat(work.resolve("export").resolve(Uuids.hex(gone)).resolve("done720p30.mp4")).as("a finished rendition stays").exists();
        assertThat(work.resolve("ingest").resolve(Uuids.hex(live)).resolve("a1/segment-00000.ts")).exists();
        assertThat(local).exists();
        assertThat(work.resolve("transcode").resolve(Uuids.hex(live))).exists();
        assertThat(work.resolve("export").resolve(Uuids.hex(live)).resolve(".a720p30.mp4.1234.tmp")).exists();
    }
}
