package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.Names;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import org.mpp.store.Uuids;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Issue 11, section 4: a source whose stem is too long for the names MPP writes fails at ingest with a reason that
 * says so, before any segment is queued, instead of after the whole transcode; and its source is quarantined even
 * though {@code <uuid>-<name>} would be too long a name. One node on MariaDB.
 */
class LongNamesTest {
    @TempDir
    Path dir;
    NodeOnMariaDb n;

    @AfterEach
    void stop() {
        if (n != null) {
            n.close();
        }
    }

    @Test
    void aStemTooLongForTheRenditionsNamesFailsAtIngestAndTheSourceIsQuarantined() throws IOException {
        n = new NodeOnMariaDb(dir, "").start();
        String name = "x".repeat(230) + ".mp4";
        Path source = SyntheticMedia.builder().seconds(1).write(Files.createDirectories(n.settings.work().sourceDir()).resolve(name));
        String hash = DeliveryClashTest.sha256(source);
        UUID job = new JobStore(n.db).submit(name, 0);

        JobView failed = n.awaitFinished(job);

        assertThat(failed.status()).as("status (%s)", failed.failureReason()).isEqualTo(Status.FAILED);
        assertThat(failed.failureReason()).contains("too long", "at most 222 bytes", name);
        Number segments = (Number) n.db.dsl().fetchValue("SELECT COUNT(*) FROM transcodeJob WHERE fk_jobUUID = ?", (Object) Uuids.bytes(job));
        assertThat(segments.intValue()).as("segments queued").isZero();
        assertThat(source).as("gone from the source folder").doesNotExist();
        List<Path> quarantined;
        try (Stream<Path> q = Files.list(n.work.resolve("quarantine"))) {
            quarantined = q.toList();
        }
        assertThat(quarantined).singleElement().satisfies(q -> {
            assertThat(q.getFileName().toString()).startsWith(Uuids.hex(job) + "-xxx").endsWith(".mp4");
            assertThat(Names.utf8Length(q.getFileName().toString())).isLessThanOrEqualTo(255);
        });
        assertThat(DeliveryClashTest.sha256(quarantined.get(0))).as("quarantined unchanged").isEqualTo(hash);
    }
}
