package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.Status;

class JobsCommandTest {
    @TempDir
    Path tmp;
    CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(tmp);
    }

    private UUID aJob(String sourceName) {
        return cli.db(db -> new JobStore(db).submit(sourceName, 0));
    }

    private JobView job(UUID uuid) {
        return cli.db(db -> new JobStore(db).job(uuid)).orElseThrow();
    }

    @Test
    void pauseAndResumeByNumberOrUuid() {
        UUID uuid = aJob("a.mp4");

        CliFixture.Run paused = cli.run("jobs", "pause", "1");
        assertThat(paused.exit()).isZero();
        assertThat(paused.out().strip()).isEqualTo("Paused job 1 (a.mp4)");
        assertThat(job(uuid).paused()).isTrue();

        assertThat(cli.run("jobs", "resume", uuid.toString()).exit()).isZero();
        assertThat(job(uuid).paused()).isFalse();
    }

    @Test
    void priorityChangesTheJobsPriority() {
        UUID uuid = aJob("a.mp4");

        CliFixture.Run r = cli.run("jobs", "priority", "1", "9");

        assertThat(r.exit()).isZero();
        assertThat(job(uuid).priority()).isEqualTo(9);
        assertThat(cli.run("jobs", "--json").json().get(0).get("priority").asInt()).isEqualTo(9);
        assertThat(cli.run("jobs", "priority", uuid.toString(), "-5").exit()).isZero();
        assertThat(job(uuid).priority()).isEqualTo(-5);
    }

    @Test
    void deleteRemovesTheJobAndASecondDeleteFindsNothing() {
        UUID uuid = aJob("a.mp4");

        assertThat(cli.run("jobs", "delete", uuid.toString()).exit()).isZero();
        Optional<JobView> gone = cli.db(db -> new JobStore(db).job(uuid));
        assertThat(gone).isEmpty();

        CliFixture.Run again = cli.run("jobs", "delete", uuid.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("no job " + uuid);
    }

    @Test
    void anUnknownJobIsOneClearLineAndExitOne() {
        aJob("a.mp4");

        for (String id : new String[] {"42", "not-an-id", UUID.randomUUID().toString()}) {
            CliFixture.Run r = cli.run("jobs", "pause", id);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("FAILED: no job " + id + " (give its number or UUID as mpp status shows them)");
        }
    }

    @Test
    void retryMovesTheQuarantinedSourceBackAndRestartsTheJob() throws IOException {
        UUID uuid = aJob("clip.mp4");
        Path source = cli.file("work/source/clip.mp4", "video");
        Optional<Path> quarantined = cli.folders().quarantine(source, uuid);
        cli.db(db -> {
            new JobStore(db).fail(uuid, "the decoder gave up at 0:03");
            return null;
        });
        assertThat(quarantined).isPresent();
        assertThat(cli.run("status").out()).contains("failed", "the decoder gave up at 0:03");

        CliFixture.Run r = cli.run("jobs", "retry", "1");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Retrying job 1 (clip.mp4)");
        assertThat(source).hasContent("video");
        assertThat(quarantined.get()).doesNotExist();
        JobView j = job(uuid);
        assertThat(j.status()).isEqualTo(Status.IMPORTED);
        assertThat(j.failureReason()).isNull();
    }

    @Test
    void retryOfAJobThatHasNotFailedIsRefused() {
        aJob("a.mp4");

        CliFixture.Run r = cli.run("jobs", "retry", "1");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("job 1 (a.mp4) is imported, not failed");
    }

    @Test
    void retryWithoutTheSourceAnywhereSaysWhereToPutIt() {
        UUID uuid = aJob("gone.mp4");
        cli.db(db -> {
            new JobStore(db).fail(uuid, "broken");
            return null;
        });

        CliFixture.Run r = cli.run("jobs", "retry", uuid.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("neither in").contains("quarantine").contains("put it back there and retry");
        assertThat(job(uuid).status()).isEqualTo(Status.FAILED);
    }

    @Test
    void jobsListsTheJobsAsATable() {
        aJob("a.mp4");
        aJob("b.mp4");

        CliFixture.Run r = cli.run("jobs");

        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).hasSize(3);
        assertThat(r.out().lines().skip(1)).satisfiesExactly(l -> assertThat(l).contains("b.mp4"), l -> assertThat(l).contains("a.mp4"));
        assertThat(Files.exists(cli.work().resolve("db"))).isTrue();
    }
}
