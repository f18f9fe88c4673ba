package org.mpp.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.node.Node;
import org.mpp.store.ControlStore;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import org.mpp.store.TestDatabases;
import org.mpp.store.Uuids;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Issue 11, section 4: a full delivery disk is bounded like any other failure instead of re-running the whole export
 * every {@code full-retry-seconds} forever. The delivery folder is a small tmpfs (root only; skipped where mounting
 * fails, except in CI); the work folder has room. Below {@code mpp.work.min-free-mb} there, no export is claimed at all
 * (the job waits, no failure counted); above it but with less room than the rendition, the export's delivery fails and
 * counts, and after {@code failureTolerance} (3) failures the job fails with a reason naming the delivery folder.
 */
class DeliveryFullTest {
    private static final long MIN_FREE = 16 * 1024;

    @TempDir
    Path dir;
    private SmallDisk disk;
    private TestDatabases.Fresh db;
    private Node node;
    private MppClient client;
    private ControlStore control;

    @BeforeEach
    void mountTheDeliveryFolder() throws IOException {
        Path delivery = dir.resolve("delivery");
        disk = SmallDisk.mount(delivery, 2);
        db = TestDatabases.h2();
        Settings settings = Settings.from(ConfigFactory.parseString("""
                mpp.db.url = "%s"
                mpp.work.dir = "%s"
                mpp.work.delivery-dir = "%s"
                mpp.work.min-free-mb = %s
                mpp.work.full-retry-seconds = 0.2
                mpp.media.segment-seconds = 1
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.poll-millis = 50
                """.formatted(db.url(), dir.resolve("work"), delivery, Double.toString(MIN_FREE / 1024.0 / 1024.0)))
                .withFallback(ConfigFactory.defaultReference()).resolve());
        node = Node.builder(settings).dataSource(db.open().dataSource()).build();
        client = MppClient.create(db.open(), settings);
        control = new ControlStore(db.open());
    }

    @AfterEach
    void unmount() throws IOException {
        if (node != null) {
            node.close();
        }
        if (db != null) {
            db.close();
        }
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void aDeliveryFolderBelowTheThresholdHoldsExportsBackWithoutAFailureUntilThereIsRoom() throws IOException {
        control.setPolicy("exportEnabled", "false");
        UUID job = client.submit(SyntheticMedia.builder().seconds(2).write(dir.resolve("clip.mp4")), 0);
        node.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.job(job).orElseThrow().status() == Status.TRANSCODED);
        disk.fillLeaving(MIN_FREE / 2);

        control.setPolicy("exportEnabled", "true");
        // Held back: no claim of the export (its attempt counter stays 0) for a good while.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> exportAttempts(job) == 0);
        disk.empty();
        JobView done = await().atMost(Duration.ofSeconds(60)).until(() -> client.job(job).orElseThrow(), JobView::finished);

        assertThat(done.status()).as("status (%s)", done.failureReason()).isEqualTo(Status.COMPLETE);
        assertThat(exportFailures(job)).as("failures counted").isZero();
    }

    @Test
    void aDeliveryThatRunsOutOfRoomCountsAsAFailureAndTheJobFailsAfterTheTolerance() throws IOException {
        control.setPolicy("exportEnabled", "false");
        UUID job = client.submit(SyntheticMedia.builder().seconds(2).write(dir.resolve("clip.mp4")), 0);
        node.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.job(job).orElseThrow().status() == Status.TRANSCODED);
        Path rendition = dir.resolve("work/export").resolve(Uuids.hex(job));
        // More room than the threshold, less than the rendition (about 60 KB for this clip).
        disk.fillLeaving(MIN_FREE + 8 * 1024);

        control.setPolicy("exportEnabled", "true");
        JobView failed = await().atMost(Duration.ofSeconds(60)).until(() -> client.job(job).orElseThrow(), JobView::finished);

        assertThat(failed.status()).as("status (%s)", failed.failureReason()).isEqualTo(Status.FAILED);
        assertThat(failed.failureReason()).contains("delivery folder", "no space left on device");
        assertThat(exportFailures(job)).as("failures counted").isEqualTo(3);
        try (var files = Files.list(rendition)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".mp4")).toList())
                    .as("the rendition was bigger than the room left").allSatisfy(f -> assertThat(Files.size(f)).isGreaterThan(MIN_FREE + 8 * 1024));
        }
    }

    private int exportAttempts(UUID job) {
        return ((Number) db.open().dsl().fetchValue("SELECT attempt FROM exportJob WHERE fk_jobUUID = ?", (Object) Uuids.bytes(job))).intValue();
    }

    private int exportFailures(UUID job) {
        return ((Number) db.open().dsl().fetchValue("SELECT failures FROM exportJob WHERE fk_jobUUID = ?", (Object) Uuids.bytes(job))).intValue();
    }
}
