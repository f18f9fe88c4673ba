package org.mpp.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.slf4j.LoggerFactory;

/**
 * Issue 4, scenario 8 (disk full): the work folder is a small tmpfs ({@value #DISK_MB} MB, mounted by the test: root
 * only; skipped where mounting fails, except with {@code CI=true}, where it fails). The database (embedded H2) and the
 * delivery folder live elsewhere, so only the media work runs out of space. The node pauses its claims below
 * {@value #MIN_FREE} bytes free ({@code mpp.work.min-free-mb}) and gives a task that ran out of room back for
 * {@value #FULL_RETRY_SECONDS} s ({@code mpp.work.full-retry-seconds}); {@code failureTolerance} keeps its default (3).
 *
 * <p>One node, stage by stage (ingest, transcode, export; each stage's policy holds its work back until the disk is
 * full, and the stage is switched off again once done, so that one stage at a time claims). Each stage's disk stays
 * full for {@link #FULL}, well past the three failures (retries after 2 s and 4 s) after which a full disk used to fail
 * the job for good and quarantine its source:
 * <ol>
 * <li>first with a little more room than the threshold, but less than the stage writes: its tasks start, run out of
 * room, and are given back again and again (claimed more than {@code failureTolerance} times), with no failure
 * counted, the job never failed, the source never quarantined, and nothing the attempts wrote left behind;</li>
 * <li>then with less room than the threshold (filled while the stage is held back for a moment, so that no task is
 * writing then): the node claims nothing at all, and says so once;</li>
 * <li>then the ballast goes: the node says it claims again, once, and the stage finishes.</li>
 * </ol>
 * All along, a {@link VisibleFileWatcher} plays a reader of the work and delivery folders: every media file that
 * appears under a final name must decode completely. At the end every job is complete, every rendition has exactly
 * 30 x seconds frames, the export folders hold exactly the delivered files, and no task counted a failure.
 * Short mode (CI): one 4 s job, each stage full for 15 s. Long mode:
 * {@code -Dmpp.soak=true [-Dmpp.soak.jobs=4] [-Dmpp.soak.seconds=8] [-Dmpp.soak.full-seconds=30]}.
 */
class DiskFullTest {
    private static final int DISK_MB = 40;
    private static final boolean SOAK = Boolean.getBoolean("mpp.soak");
    private static final int JOBS = Integer.getInteger("mpp.soak.jobs", SOAK ? 4 : 1);
    private static final int SECONDS = Integer.getInteger("mpp.soak.seconds", SOAK ? 8 : 4);
    /** How long each stage's disk stays full: well past the three failures after which a full disk used to fail the job. */
    private static final Duration FULL = Duration.ofSeconds(Integer.getInteger("mpp.soak.full-seconds", SOAK ? 30 : 15));
    /** Long mode encodes bigger pictures, whose packets overflow FFmpeg's write buffer before the trailer. */
    private static final int WIDTH = SOAK ? 1280 : 640;
    private static final int HEIGHT = SOAK ? 720 : 360;
    private static final Duration PATIENCE = Duration.ofSeconds(60L + 20L * JOBS * SECONDS / 4).plus(FULL);
    /** The claim threshold (16 KiB) and how long a task that ran out of room waits. */
    private static final long MIN_FREE = 16 * 1024;
    private static final int FULL_RETRY_SECONDS = 1;
    /** Room above the threshold, less than any stage writes (a cut segment is about 20 KB, an encoded one 40 KB). */
    private static final long ROOM_ABOVE_THRESHOLD = 24 * 1024;
    /** Room below the threshold. */
    private static final long ROOM_BELOW_THRESHOLD = 8 * 1024;
    private static final Pattern ENCODED_SEGMENT = Pattern.compile("segment-(\\d+)\\.a(\\d+)\\.mp4");

    @TempDir
    Path dir;
    private SmallDisk disk;
    private TestDatabases.Fresh db;
    private Node node;
    private Path work;
    private Path delivery;
    private Settings settings;
    private JobStore jobs;
    private ControlStore control;
    private DSLContext sql;
    private MediaEngine media;
    private VisibleFileWatcher watcher;
    private NodeLog log;

    /** One stage of the pipeline as this test drives it: {@code writesAtLeast} bytes (measured in short mode). */
    private record StageUnderTest(String name, String policy, String table, long writesAtLeast, Callable<Boolean> done) {
    }

    @BeforeEach
    void mountTheWorkFolder() throws Exception {
        work = dir.resolve("work");
        delivery = dir.resolve("delivery");
        disk = SmallDisk.mount(work, DISK_MB);
        db = TestDatabases.h2();
        settings = Settings.from(ConfigFactory.parseString("""
                mpp.db.url = "%s"
                mpp.work.dir = "%s"
                mpp.work.delivery-dir = "%s"
                mpp.work.min-free-mb = %s
                mpp.work.full-retry-seconds = %d
                mpp.media.segment-seconds = 1
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.poll-millis = 50
                """.formatted(db.url(), work, delivery, Double.toString(MIN_FREE / 1024.0 / 1024.0), FULL_RETRY_SECONDS))
                .withFallback(ConfigFactory.defaultReference()).resolve());
        assertThat(settings.work().minFreeBytes()).isEqualTo(MIN_FREE);
        media = new MediaEngine(settings.media());
        log = NodeLog.listen();
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
            if (log != null) {
                log.close();
            }
        } finally {
            if (disk != null) {
                disk.close();
            }
        }
    }

    @Test
    void aFullWorkFolderNeverFailsAJobNorCountsAFailureNorDeliversHalfAFileAndTheJobsFinishWhenThereIsRoom() throws Exception {
        node = Node.builder(settings).build();
        jobs = new JobStore(node.database());
        control = new ControlStore(node.database());
        sql = node.database().dsl();
        for (String stage : List.of("ingestEnabled", "transcodeEnabled", "exportEnabled")) {
            control.setPolicy(stage, "0");
        }
        int tolerance = control.policies().failureTolerance();
        assertThat(tolerance).as("failureTolerance at its default").isEqualTo(3);
        List<UUID> submitted = new ArrayList<>();
        MppClient client = MppClient.create(node.database(), settings);
        for (int i = 0; i < JOBS; i++) {
            Path source = SyntheticMedia.builder().size(WIDTH, HEIGHT).seconds(SECONDS).write(dir.resolve("clip" + i + ".mp4"));
            submitted.add(client.submit(source, 0));
        }
        node.start();
        Files.createDirectories(delivery);
        watcher = VisibleFileWatcher.watch(media, work.resolve("transcode"), work.resolve("ingest"), work.resolve("transcode"),
                work.resolve("export"), delivery);

        List<StageUnderTest> stages = List.of(
                new StageUnderTest("ingest", "ingestEnabled", "ingestJob", 88_000,
                        () -> submitted.stream().allMatch(j -> status(j) == Status.TRANSCODING)),
                new StageUnderTest("transcode", "transcodeEnabled", "transcodeJob", 37_000,
                        () -> submitted.stream().allMatch(j -> status(j) == Status.TRANSCODED)),
                new StageUnderTest("export", "exportEnabled", "exportJob", 169_000,
                        () -> submitted.stream().allMatch(j -> jobs.job(j).orElseThrow().finished())));
        for (StageUnderTest stage : stages) {
            runOnAFullDisk(stage, submitted, tolerance);
        }

        watcher.close();
        System.out.printf(Locale.ROOT, "DiskFull: %d file(s) seen under final names while the node worked; broken: %s;"
                + " whole but with the last frame hidden by their edit list: %s%n", watcher.checkedCount(), watcher.broken(),
                watcher.lastFrameHidden());
        assertThat(watcher.broken()).as("files visible under their final names that do not decode completely").isEmpty();
        for (String table : List.of("ingestJob", "transcodeJob", "exportJob")) {
            assertThat(sum("SELECT SUM(failures) FROM " + table)).as("failures counted in %s", table).isZero();
        }
        for (UUID j : submitted) {
            JobView done = jobs.job(j).orElseThrow();
            assertThat(done.status()).as("job %s (%s)", j, done.failureReason()).isEqualTo(Status.COMPLETE);
            List<Path> delivered = done.deliveredFiles().lines().map(Path::of).filter(p -> p.toString().endsWith(".mp4")).toList();
            assertThat(delivered).isNotEmpty().allSatisfy(p -> assertThat(p).startsWithRaw(delivery));
            for (Path p : delivered) {
                MediaInfo info = decodesCompletely(p);
                assertThat(info.video().frameCount()).as("%s frames", p).isEqualTo(30L * SECONDS);
                assertThat(info.video().duration().toDouble()).as("%s duration", p).isCloseTo(SECONDS, org.assertj.core.data.Offset.offset(0.01));
            }
            try (Stream<Path> left = Files.list(work.resolve("export").resolve(Uuids.hex(j)))) {
                List<String> expected = new java.util.ArrayList<>(delivered.stream().map(p -> p.getFileName().toString()).toList());
                expected.add("clip" + submitted.indexOf(j) + "-stream");
                assertThat(left.map(p -> p.getFileName().toString()).toList()).as("export folder of %s: the renditions, the package and nothing else", j)
                        .containsExactlyInAnyOrderElementsOf(expected);
            }
        }
        try (Stream<Path> left = Files.list(delivery)) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList())
                    .as("temporary files left in the delivery folder").isEmpty();
        }
        // Outside the waits above the free space may dip below the threshold for a moment (a task writing, a reader holding
        // a deleted file): each such dip logs a pause and its end, never more.
        assertThat(log.count("claims no new task")).as("pauses logged").isGreaterThanOrEqualTo(stages.size())
                .isEqualTo(log.count("claiming resumes"));
    }

    /**
     * Fills the disk, switches the stage on, keeps the disk full for {@link #FULL} (first above the claim threshold, then
     * below it), checks that nothing failed, then frees the disk and waits for the stage to finish.
     */
    private void runOnAFullDisk(StageUnderTest stage, List<UUID> submitted, int tolerance) throws Exception {
        String t = stage.table();
        long claimsBefore = sum("SELECT SUM(attempt) FROM " + t);
        int releasesBefore = log.count("Work folder full: " + stage.name() + " task");

        // 1. Room above the threshold, but not for what the stage writes: its tasks run out of room and go back.
        long free = disk.fillLeaving(ROOM_ABOVE_THRESHOLD);
        assertThat(free).as("room left for the %s", stage.name()).isGreaterThanOrEqualTo(MIN_FREE).isLessThan(stage.writesAtLeast());
        long fullSince = System.nanoTime();
        control.setPolicy(stage.policy(), "1");
        await().atMost(PATIENCE).until(() -> elapsed(fullSince).compareTo(FULL.multipliedBy(2).dividedBy(3)) >= 0
                && sum("SELECT MAX(attempt) FROM " + t) > tolerance);
        assertNothingFailed(stage, submitted);

        // 2. Room below the threshold: the node claims nothing. The stage is held back while the disk fills (the node
        // reads policies every heartbeat), so that no task is writing then: its unfinished file, removed when it goes
        // back, would give the room back.
        control.setPolicy(stage.policy(), "0");
        await().atMost(PATIENCE).pollDelay(Duration.ofSeconds(1))
                .until(() -> sum("SELECT COUNT(*) FROM " + t + " WHERE status = " + Status.RUNNING) == 0);
        disk.fillLeaving(ROOM_BELOW_THRESHOLD);
        // A reader (the watcher) still decoding a file that was deleted meanwhile gives its room back when it lets go.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(this::belowTheThresholdOrRefilled);
        long low = disk.free();
        assertThat(low).isLessThan(MIN_FREE);
        long claims = sum("SELECT SUM(attempt) FROM " + t);
        int pausesBefore = log.count("claims no new task");
        int resumesBefore = log.count("claiming resumes");
        control.setPolicy(stage.policy(), "1");
        Duration rest = FULL.minus(elapsed(fullSince));
        Duration quiet = rest.compareTo(Duration.ofSeconds(3)) > 0 ? rest : Duration.ofSeconds(3);
        await().during(quiet).atMost(quiet.plusSeconds(5)).until(() -> sum("SELECT SUM(attempt) FROM " + t) == claims);
        // Logged once: when this wait began (or at a dip just before it that has not ended).
        assertThat(log.count("claims no new task") - pausesBefore).as("pauses logged while the %s waited", stage.name()).isLessThanOrEqualTo(1);
        assertThat(log.count("claiming resumes") - resumesBefore).as("resumptions logged while the %s waited", stage.name()).isZero();
        assertThat(log.count("claims no new task")).as("pauses logged, one more than resumptions").isEqualTo(log.count("claiming resumes") + 1);
        assertNothingFailed(stage, submitted);
        assertNoFileOfAGivenBackAttemptIsLeft(stage, submitted);
        assertEveryVisibleFileDecodes(stage.name(), submitted);
        Duration fullFor = elapsed(fullSince);

        // 3. Room again: the node claims again and the stage finishes.
        disk.empty();
        long freedAt = System.nanoTime();
        await().atMost(PATIENCE).until(stage.done());
        Duration toFinish = elapsed(freedAt);
        assertThat(log.count("claiming resumes") - resumesBefore).as("resumptions logged after the %s waited", stage.name()).isEqualTo(1);
        assertThat(sum("SELECT SUM(failures) FROM " + t)).as("failures counted in %s", t).isZero();
        control.setPolicy(stage.policy(), "0");
        System.out.printf(Locale.ROOT, "DiskFull: %s: disk full for %.1f s (%d then %d bytes free); claimed %d time(s) meanwhile, each given"
                + " back with no failure counted (%d \"work folder full\" warning(s)); no claim for the last %.1f s; done %.1f s after"
                + " the disk was freed; failures %d; last note: %s%n", stage.name(), seconds(fullFor), free, low, claims - claimsBefore,
                log.count("Work folder full: " + stage.name() + " task") - releasesBefore, seconds(quiet), seconds(toFinish),
                sum("SELECT SUM(failures) FROM " + t), sql.fetchValue("SELECT MAX(lastError) FROM " + t));
    }

    /** True when the disk has less room than the threshold; otherwise fills it again and says false. */
    private boolean belowTheThresholdOrRefilled() throws IOException {
        if (disk.free() < MIN_FREE) {
            return true;
        }
        disk.fillLeaving(ROOM_BELOW_THRESHOLD);
        return false;
    }

    private int status(UUID job) {
        return jobs.job(job).orElseThrow().status();
    }

    private long sum(String query) {
        Number n = (Number) sql.fetchValue(query);
        return n == null ? 0 : n.longValue();
    }

    private static Duration elapsed(long since) {
        return Duration.ofNanos(System.nanoTime() - since);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /**
     * A full disk fails nothing: no failure counted, no job failed, no source quarantined; every task given back notes
     * why (a task on its first claim has no note yet).
     */
    private void assertNothingFailed(StageUnderTest stage, List<UUID> submitted) throws IOException {
        for (UUID j : submitted) {
            JobView v = jobs.job(j).orElseThrow();
            assertThat(v.status()).as("job %s while its %s had no room (%s)", j, stage.name(), v.failureReason()).isNotEqualTo(Status.FAILED);
            assertThat(settings.work().sourceDir().resolve(v.sourceName())).as("source of %s, not quarantined", j).isRegularFile();
        }
        try (Stream<Path> q = Files.list(work.resolve("quarantine"))) {
            assertThat(q.toList()).as("quarantine").isEmpty();
        }
        assertThat(sum("SELECT SUM(failures) FROM " + stage.table())).as("failures counted in %s", stage.table()).isZero();
        var rows = sql.fetch("SELECT status, lastError FROM " + stage.table() + " WHERE status <> " + Status.COMPLETED
                + " AND (attempt > 1 OR status = " + Status.READY + " AND attempt > 0)");
        // By position: H2 (DATABASE_TO_LOWER) and MariaDB spell the column labels differently.
        assertThat(rows).isNotEmpty().allSatisfy(r -> {
            assertThat(r.get(0, Integer.class)).isIn(Status.READY, Status.RUNNING);
            assertThat(r.get(1, String.class)).as("the note a full disk leaves").contains("no failure counted").contains("no space left on device");
        });
    }

    /**
     * Once the stage's tasks are given back, nothing their attempts wrote is left: no cut segment of an unfinished ingest,
     * no encoded segment other than those of completed segments (under the attempt that completed them), no temporary
     * file beside the renditions or in the delivery folder.
     */
    private void assertNoFileOfAGivenBackAttemptIsLeft(StageUnderTest stage, List<UUID> submitted) throws IOException {
        for (UUID j : submitted) {
            List<Path> files = files(work.resolve(stage.name()).resolve(Uuids.hex(j)));
            switch (stage.name()) {
                case "ingest" -> assertThat(files).as("files of the given-back ingest of %s", j).isEmpty();
                case "transcode" -> {
                    var done = sql.fetch("SELECT segmentPart, attempt FROM transcodeJob WHERE status = " + Status.COMPLETED
                            + " AND fk_jobUUID = ?", (Object) Uuids.bytes(j)).map(r -> r.get(0, Integer.class) + "." + r.get(1, Integer.class));
                    assertThat(files).as("encoded segments of %s", j).allSatisfy(p -> {
                        Matcher m = ENCODED_SEGMENT.matcher(p.getFileName().toString());
                        assertThat(m.matches()).as("%s is an encoded segment", p).isTrue();
                        assertThat(done).as("%s belongs to a completed segment", p).contains(Integer.parseInt(m.group(1)) + "." + m.group(2));
                    });
                }
                default -> assertThat(files).as("files in the export folder of %s", j).noneMatch(p -> p.getFileName().toString().startsWith("."));
            }
        }
        assertThat(files(delivery)).as("delivery folder").noneMatch(p -> p.getFileName().toString().startsWith("."));
    }

    private static List<Path> files(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    /** Every file a reader could pick up under a stage's folders (not hidden) is a whole, decodable MP4. */
    private void assertEveryVisibleFileDecodes(String stage, List<UUID> submitted) throws IOException {
        for (UUID j : submitted) {
            for (Path p : files(work.resolve(stage).resolve(Uuids.hex(j)))) {
                if (!p.getFileName().toString().startsWith(".")) {
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

    /**
     * The node's warnings about its work folder (pauses, resumptions, tasks given back), as an operator reads them in the
     * log, kept for counting while it is open. The console still gets them. Thread-safe.
     */
    private static final class NodeLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
        private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger("org.mpp.node.WorkFolderSpace"),
                (Logger) LoggerFactory.getLogger("org.mpp.node.TaskRunner"));
        private final Queue<String> lines = new ConcurrentLinkedQueue<>();

        static NodeLog listen() {
            NodeLog l = new NodeLog();
            l.setContext(l.loggers.get(0).getLoggerContext());
            l.setName("disk-full-node-log");
            l.start();
            l.loggers.forEach(logger -> logger.addAppender(l));
            return l;
        }

        @Override
        protected void append(ILoggingEvent e) {
            if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
                lines.add(e.getFormattedMessage());
            }
        }

        int count(String fragment) {
            return (int) lines.stream().filter(l -> l.contains(fragment)).count();
        }

        @Override
        public void close() {
            loggers.forEach(logger -> logger.detachAppender(this));
            stop();
        }
    }
}
