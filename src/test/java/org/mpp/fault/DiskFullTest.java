package org.mpp.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;
import org.mpp.node.Node;
import org.mpp.store.ControlStore;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import org.mpp.store.TestDatabases;
import org.mpp.store.Uuids;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Issue 4, scenario 8 (disk full): the work folder is a small tmpfs ({@value #DISK_MB} MB, mounted by the test: root
 * only; skipped where mounting fails, except with {@code CI=true}, where it fails). The database (embedded H2) lives
 * elsewhere, so only the media work runs out of space. One node, stage by stage (the stage policies hold the work back
 * until the disk is full):
 * <ol>
 * <li>the sources wait in the source folder; the disk is filled with a ballast file, leaving less room than one cut
 * segment; ingest is enabled: it fails with "no space left" and is retried (never taken for bad input: the job is not
 * failed and its source is not quarantined), and every segment visible under its final name decodes completely; the
 * ballast goes and the jobs are ingested;</li>
 * <li>the disk is filled again, leaving less room than one encoded segment; transcoding is enabled: segments fail with "no space left", the jobs stay transcoding (never failed while a task's
 * failures are below {@code failureTolerance}), and every encoded segment visible under its final name decodes
 * completely; the ballast goes and the segments are retried and finish;</li>
 * <li>the same for the export, with room for less than one rendition: it fails and is retried, any rendition visible
 * under {@code export/<uuid>/} decodes completely, and after the ballast goes the jobs complete, their export folders
 * holding exactly the delivered files (no temporary file left behind).</li>
 * </ol>
 * All along, a {@link VisibleFileWatcher} plays a reader of the work folders: every media file that appears under a
 * final name must decode completely.
 * Short mode (CI): one 4 s job. Long mode: {@code -Dmpp.soak=true [-Dmpp.soak.jobs=4] [-Dmpp.soak.seconds=8]}.
 */
class DiskFullTest {
    private static final int DISK_MB = 40;
    private static final boolean SOAK = Boolean.getBoolean("mpp.soak");
    private static final int JOBS = Integer.getInteger("mpp.soak.jobs", SOAK ? 4 : 1);
    private static final int SECONDS = Integer.getInteger("mpp.soak.seconds", SOAK ? 8 : 4);
    /** Long mode encodes bigger pictures, whose packets overflow FFmpeg's write buffer before the trailer. */
    private static final int WIDTH = SOAK ? 1280 : 640;
    private static final int HEIGHT = SOAK ? 720 : 360;
    private static final Duration PATIENCE = Duration.ofSeconds(60L + 20L * JOBS * SECONDS / 4);
    /** Room left on the full disk: a segment's or a rendition's header fits, its pictures do not. */
    private static final long ROOM_FOR_INGEST = 8 * 1024;
    private static final long ROOM_FOR_TRANSCODE = 8 * 1024;
    private static final long ROOM_FOR_EXPORT = 24 * 1024;

    @TempDir
    Path dir;
    private SmallDisk disk;
    private TestDatabases.Fresh db;
    private Node node;
    private Path work;
    private Settings settings;
    private JobStore jobs;
    private ControlStore control;
    private DSLContext sql;
    private MediaEngine media;
    private VisibleFileWatcher watcher;

    @BeforeEach
    void mountTheWorkFolder() throws Exception {
        work = dir.resolve("work");
        disk = SmallDisk.mount(work, DISK_MB);
        db = TestDatabases.h2();
        settings = Settings.from(ConfigFactory.parseString("""
                mpp.db.url = "%s"
                mpp.work.dir = "%s"
                mpp.media.segment-seconds = 1
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.poll-millis = 50
                """.formatted(db.url(), work)).withFallback(ConfigFactory.defaultReference()).resolve());
        media = new MediaEngine(settings.media());
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            if (watcher != null) {
                watcher.close();
            }
            if (node != null) {
                node.close();
            }
            if (db != null) {
                db.close();
            }
        } finally {
            if (disk != null) {
                disk.close();
            }
        }
    }

    @Test
    void aFullDiskFailsTranscodeAndExportWithoutDeliveringHalfAFileAndTheJobsFinishWhenThereIsRoom() throws Exception {
        node = Node.builder(settings).build();
        jobs = new JobStore(node.database());
        control = new ControlStore(node.database());
        sql = node.database().dsl();
        for (String stage : List.of("ingestEnabled", "transcodeEnabled", "exportEnabled")) {
            control.setPolicy(stage, "0");
        }
        int tolerance = control.policies().failureTolerance();
        List<UUID> submitted = new ArrayList<>();
        MppClient client = MppClient.create(node.database(), settings);
        for (int i = 0; i < JOBS; i++) {
            Path source = SyntheticMedia.builder().size(WIDTH, HEIGHT).seconds(SECONDS).write(dir.resolve("clip" + i + ".mp4"));
            submitted.add(client.submit(source, 0));
        }
        node.start();
        watcher = VisibleFileWatcher.watch(media, work.resolve("transcode"), work.resolve("ingest"), work.resolve("transcode"),
                work.resolve("export"));

        // Ingest (cutting the source into segments) on a full disk.
        long free = disk.fillLeaving(ROOM_FOR_INGEST);
        System.out.printf(Locale.ROOT, "DiskFull: ingest with %d bytes free%n", free);
        control.setPolicy("ingestEnabled", "1");
        await().atMost(PATIENCE).until(() -> sum("SELECT SUM(failures) FROM ingestJob") >= 1);
        assertStillRetrying(submitted, "ingestJob", tolerance, "ingest");
        for (UUID j : submitted) {
            assertThat(settings.work().sourceDir().resolve(jobs.job(j).orElseThrow().sourceName())).as("source of %s, not quarantined", j)
                    .isRegularFile();
        }
        assertEveryVisibleFileDecodes("ingest", submitted);
        disk.empty();
        await().atMost(PATIENCE).until(() -> submitted.stream().allMatch(j -> status(j) == Status.TRANSCODING));
        System.out.printf(Locale.ROOT, "DiskFull: ingest failures %d, last error: %s%n", sum("SELECT SUM(failures) FROM ingestJob"),
                sql.fetchValue("SELECT MAX(lastError) FROM ingestJob"));

        // Transcode on a full disk.
        free = disk.fillLeaving(ROOM_FOR_TRANSCODE);
        System.out.printf(Locale.ROOT, "DiskFull: transcode with %d bytes free%n", free);
        control.setPolicy("transcodeEnabled", "1");
        await().atMost(PATIENCE).until(() -> sum("SELECT SUM(failures) FROM transcodeJob") >= 1);
        assertStillRetrying(submitted, "transcodeJob", tolerance, "transcode");
        assertEveryVisibleFileDecodes("transcode", submitted);
        disk.empty();
        await().atMost(PATIENCE).until(() -> submitted.stream().allMatch(j -> status(j) == Status.TRANSCODED));
        System.out.printf(Locale.ROOT, "DiskFull: transcode failures %d, last error: %s%n", sum("SELECT SUM(failures) FROM transcodeJob"),
                sql.fetchValue("SELECT MAX(lastError) FROM transcodeJob"));

        // Export on a full disk.
        free = disk.fillLeaving(ROOM_FOR_EXPORT);
        System.out.printf(Locale.ROOT, "DiskFull: export with %d bytes free%n", free);
        control.setPolicy("exportEnabled", "1");
        await().atMost(PATIENCE).until(() -> sum("SELECT SUM(failures) FROM exportJob") >= 1);
        assertStillRetrying(submitted, "exportJob", tolerance, "export");
        assertEveryVisibleFileDecodes("export", submitted);
        disk.empty();
        await().atMost(PATIENCE).until(() -> submitted.stream().allMatch(j -> jobs.job(j).orElseThrow().finished()));
        System.out.printf(Locale.ROOT, "DiskFull: export failures %d, last error: %s%n", sum("SELECT SUM(failures) FROM exportJob"),
                sql.fetchValue("SELECT MAX(lastError) FROM exportJob"));

        watcher.close();
        System.out.printf(Locale.ROOT, "DiskFull: %d file(s) seen under final names while the node worked; broken: %s;"
                + " whole but with the last frame hidden by their edit list: %s%n", watcher.checkedCount(), watcher.broken(),
                watcher.lastFrameHidden());
        assertThat(watcher.broken()).as("files visible under their final names that do not decode completely").isEmpty();
        for (UUID j : submitted) {
            JobView done = jobs.job(j).orElseThrow();
            assertThat(done.status()).as("job %s (%s)", j, done.failureReason()).isEqualTo(Status.COMPLETE);
            List<Path> delivered = done.deliveredFiles().lines().map(Path::of).toList();
            assertThat(delivered).isNotEmpty();
            for (Path p : delivered) {
                MediaInfo info = decodesCompletely(p);
                assertThat(info.video().frameCount()).as("%s frames", p).isEqualTo(30L * SECONDS);
                assertThat(info.video().duration().toDouble()).as("%s duration", p).isCloseTo(SECONDS, org.assertj.core.data.Offset.offset(0.01));
            }
            try (Stream<Path> left = Files.list(work.resolve("export").resolve(Uuids.hex(j)))) {
                assertThat(left.map(Path::toAbsolutePath).toList()).as("export folder of %s: the renditions and nothing else", j)
                        .containsExactlyInAnyOrderElementsOf(delivered);
            }
        }
    }

    private int status(UUID job) {
        return jobs.job(job).orElseThrow().status();
    }

    private long sum(String query) {
        Number n = (Number) sql.fetchValue(query);
        return n == null ? 0 : n.longValue();
    }

    /** A stage's failure on a full disk is a retry, never a failed job, while its failures are below the tolerance. */
    private void assertStillRetrying(List<UUID> submitted, String table, int tolerance, String stage) {
        for (UUID j : submitted) {
            JobView v = jobs.job(j).orElseThrow();
            assertThat(v.status()).as("job %s after a %s failed on a full disk (%s)", j, stage, v.failureReason()).isNotEqualTo(Status.FAILED);
        }
        var rows = sql.fetch("SELECT status, failures, lastError FROM " + table + " WHERE failures > 0");
        assertThat(rows).isNotEmpty().allSatisfy(r -> {
            // By position: H2 (DATABASE_TO_LOWER) and MariaDB spell the column labels differently.
            assertThat(r.get(1, Integer.class)).isLessThan(tolerance);
            assertThat(r.get(0, Integer.class)).isIn(Status.READY, Status.RUNNING);
            assertThat(r.get(2, String.class)).as("the reason a full disk gives").containsIgnoringCase("space");
        });
    }

    /** Every file a reader could pick up under a stage's folders (not hidden) is a whole, decodable MP4. */
    private void assertEveryVisibleFileDecodes(String stage, List<UUID> submitted) throws IOException {
        for (UUID j : submitted) {
            Path root = work.resolve(stage).resolve(Uuids.hex(j));
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                    assertThat(VisibleFileWatcher.inspect(media, p, stage.equals("transcode"))).as("%s, visible under its final name: %s", p,
                            VisibleFileWatcher.problem()).isNotEqualTo(VisibleFileWatcher.Verdict.BROKEN);
                }
            }
        }
    }

    private MediaInfo decodesCompletely(Path file) {
        try {
            MediaInfo info = media.probe(file, new Cancellation());
            media.verify(file, info, f -> { }, new Cancellation());
            return info;
        } catch (RuntimeException e) {
            throw new AssertionError(file + " is visible under its final name but does not decode completely: " + e.getMessage(), e);
        }
    }
}
