package org.mpp.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.cli.Main;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;
import org.mpp.node.Node;
import org.mpp.store.ControlStore;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.NodeStore;
import org.mpp.store.Status;
import org.mpp.store.Uuids;
import org.mpp.testmedia.BadMedia;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Issue 4, scenario 7 (bad uploads): one node in this JVM on the embedded database, with fast settings, is fed every
 * kind of bad upload at once — an empty file, random bytes named .mp4, a faststart MP4 with its tail cut, an MP4 with
 * garbage in the middle of some video packets ({@code verifyDuringIngest} on, as by default), audio only, a folder
 * named like a video, a job naming a file that is not there, source names with {@code ../} and an absolute path, and
 * H.264 files whose headers state an impossible picture size — mixed with uploads that must succeed: names with
 * spaces, unicode and quotes, and an MP4 whose container headers claim 0x0 while its SPS is sound.
 *
 * <p>Each bad job must end failed (13) with a reason that names the file and says what is wrong, in the database and in
 * {@code mpp status --json}; its source must be in {@code quarantine/} unchanged (never deleted); its work folders must
 * be gone; nothing outside the work folders may change; and the node must still be up and complete a good job
 * submitted after all the bad ones.
 *
 * <p>Needs a UTF-8 locale ({@code LANG=C.UTF-8}): without one a JVM cannot even name a file "vidéo.mp4" (the node
 * cannot either), so the unicode case is left out and the test fails at its end, saying so.
 *
 * <p>Short mode (CI): one round of every case. Long mode repeats the bad set, to show that nothing leaks or wears
 * down: {@code -Dmpp.soak=true [-Dmpp.soak.rounds=5]}.
 *
 * <p>What FFmpeg does with crafted sizes (found while writing this test; {@link Mp4Surgery} makes the files):
 * container sizes (tkhd/avc1) are ignored — the decoder's SPS wins, so a 0x0 container header is harmless; an SPS
 * beyond FFmpeg's own limit (32768x32768) is rejected by the parser and the stream reads as 0x0; an SPS above MPP's
 * 16384 limit on one side but within FFmpeg's (20000x16) reads as stated and MPP refuses it at probe; an SPS just
 * inside both limits (16000x16000, 256 megapixels) is accepted by the probe, and the integrity check then decodes
 * 16000x16000 frames (about 3 GB of memory and half a second per frame) before it fails on concealment errors.
 * That last case runs with {@code -Dmpp.fault.huge-header=true} (default: on in long mode only).
 */
class BadUploadsTest {
    private static final boolean SOAK = Boolean.getBoolean("mpp.soak");
    private static final int ROUNDS = Integer.getInteger("mpp.soak.rounds", SOAK ? 5 : 1);
    private static final boolean HUGE_HEADER = Boolean.parseBoolean(System.getProperty("mpp.fault.huge-header", String.valueOf(SOAK)));
    /** False when the JVM's file-name encoding (from the locale) cannot represent non-ASCII names. */
    private static final boolean UNICODE_FILE_NAMES = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));
    private static final Duration PATIENCE = Duration.ofSeconds(120L * ROUNDS + (HUGE_HEADER ? 120 : 0));

    @TempDir
    Path dir;
    private Path work;
    private Path outside;
    private Node node;
    private MppClient client;
    private JobStore jobs;
    private Settings settings;
    /** What an operator's {@code mpp status} reads: a configuration file naming the same work folder. */
    private Path cliConfig;
    private final List<Upload> uploads = new ArrayList<>();

    /** What a case must end as. */
    private enum Expect {
        /** Complete, with one decodable rendition. */
        SUCCEEDS,
        /** Failed; its file (or folder) moved to quarantine unchanged. */
        QUARANTINED,
        /** Failed; there was nothing in the source folder to quarantine (missing, or a name outside it). */
        NOTHING_TO_QUARANTINE
    }

    /**
     * One upload.
     *
     * @param original the file submitted (kept outside the work folder to compare with), or null
     * @param reason what the failure reason must say (lower case), null for a success
     */
    private record Upload(String label, UUID job, String sourceName, Path original, Expect expect, String reason) {
    }

    @BeforeEach
    void startNode() throws IOException {
        work = dir.resolve("work");
        outside = Files.createDirectories(dir.resolve("outside"));
        settings = Settings.from(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.media.segment-seconds = 1
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.poll-millis = 50
                mpp.node.roles { ingest = 2, transcode = 1, export = 1 }
                """.formatted(work)).withFallback(ConfigFactory.defaultReference()).resolve());
        cliConfig = Files.writeString(dir.resolve("cli.conf"), "mpp.work.dir = \"" + work + "\"\n");
        node = Node.builder(settings).build();
        client = MppClient.create(node.database(), settings);
        jobs = new JobStore(node.database());
        node.start();
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void everyBadUploadFailsWithAReasonIsQuarantinedAndTheNodeCarriesOn() throws Exception {
        assertThat(new ControlStore(node.database()).policies().verifyDuringIngest()).as("verifyDuringIngest (the default)").isTrue();
        // Files in the work folder's root and beside it, which '../' names point at: they must survive untouched.
        Path victimInWork = SyntheticMedia.builder().seconds(1).write(work.resolve("victim.mp4"));
        Path victimOutside = SyntheticMedia.builder().seconds(1).write(outside.resolve("victim.mp4"));
        Files.writeString(work.resolve("secret.txt"), "keep me");
        Predicate<Path> workFolders = p -> p.getParent() != null && p.getParent().equals(work)
                && List.of("source", "ingest", "transcode", "export", "quarantine", "db").contains(p.getFileName().toString());
        Map<String, String> before = FileTrees.fingerprint(dir, workFolders);
        long started = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            submitBadUploads(round, victimInWork, victimOutside);
        }
        submitGoodUploads();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> uploads.stream().allMatch(u -> jobs.job(u.job()).orElseThrow().finished()));
        System.out.printf(Locale.ROOT, "BadUploads: %d jobs (%d round(s) of bad uploads) submitted and finished in %.1f s%n", uploads.size(), ROUNDS,
                (System.nanoTime() - started) / 1e9);

        Map<UUID, JsonNode> status = statusJson();
        for (Upload u : uploads) {
            JobView j = jobs.job(u.job()).orElseThrow();
            System.out.printf(Locale.ROOT, "  %-28s %-8s %s%n", u.label(), j.statusName(), j.failureReason() == null ? "" : j.failureReason());
            if (u.expect() == Expect.SUCCEEDS) {
                assertSucceeded(u, j);
            } else {
                assertFailed(u, j, status.get(u.job()));
            }
        }
        Map<String, String> after = FileTrees.fingerprint(dir, workFolders);
        assertThat(after).as("files outside the work folders that were there before").containsAllEntriesOf(before);
        List<String> wroteThemselves = uploads.stream().filter(u -> u.original() != null).map(u -> dir.relativize(u.original()).toString()).toList();
        assertThat(after.keySet().stream().filter(k -> !before.containsKey(k)).toList())
                .as("new files outside the work folders: only the uploads this test wrote").isSubsetOf(wroteThemselves);

        UUID last = client.submit(SyntheticMedia.builder().seconds(1).write(outside.resolve("after-all-bad.mp4")), 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobs.job(last).orElseThrow().finished());
        assertThat(jobs.job(last).orElseThrow().status()).as("a good job after all the bad ones").isEqualTo(Status.COMPLETE);
        assertThat(node.awaitStop(Duration.ZERO)).as("the node stopped").isFalse();
        assertThat(new NodeStore(node.database()).list()).as("registered nodes").anySatisfy(n -> assertThat(n.uuid()).isEqualTo(node.id()));
        // Last, so that every other finding shows first: a JVM started without a UTF-8 locale cannot name such a file
        // at all (Path.of throws), in this test or in a node.
        assertThat(System.getProperty("sun.jnu.encoding")).as("this JVM's file-name encoding; unicode source names need a"
                + " UTF-8 locale: start the JVM with LANG=C.UTF-8 (the unicode-name case did not run)").isEqualTo("UTF-8");
    }

    private void submitBadUploads(int round, Path victimInWork, Path victimOutside) throws IOException {
        String r = round == 0 ? "" : "-" + round;
        submitFile("empty", BadMedia.empty(outside.resolve("empty" + r + ".mp4")), Expect.QUARANTINED, "the file is empty");
        submitFile("random bytes", BadMedia.randomBytes(outside.resolve("random" + r + ".mp4"), 64_000), Expect.QUARANTINED,
                "not a media file");
        submitFile("truncated faststart", BadMedia.truncatedMp4(outside.resolve("truncated" + r + ".mp4"), 0.6), Expect.QUARANTINED,
                "truncated");
        submitFile("corrupted blocks", BadMedia.corruptedMp4(outside.resolve("corrupted" + r + ".mp4")), Expect.QUARANTINED,
                "decode error");
        submitFile("audio only", BadMedia.audioOnly(outside.resolve("audio" + r + ".m4a")), Expect.QUARANTINED, "no video stream (audio only)");

        Path folder = Files.createDirectories(settings.work().sourceDir().resolve("folder" + r + ".mp4"));
        Files.writeString(folder.resolve("inside.txt"), "a folder is not a video");
        submitName("a folder", folder.getFileName().toString(), null, Expect.QUARANTINED, "not a regular file");
        submitName("a missing file", "missing" + r + ".mp4", null, Expect.NOTHING_TO_QUARANTINE, "no such file");
        submitName("../ into the work folder", "../" + victimInWork.getFileName(), null, Expect.NOTHING_TO_QUARANTINE, "refused");
        submitName("../../ out of it", "../../outside/" + victimOutside.getFileName(), null, Expect.NOTHING_TO_QUARANTINE, "refused");
        submitName("an absolute path", victimOutside.toAbsolutePath().toString(), null, Expect.NOTHING_TO_QUARANTINE, "refused");

        submitFile("SPS 32768x32768", withSize(outside.resolve("sps-huge" + r + ".mp4"), 32768, 32768), Expect.QUARANTINED,
                "impossible picture size 0x0");
        submitFile("SPS 20000x16", withSize(outside.resolve("sps-wide" + r + ".mp4"), 20000, 16), Expect.QUARANTINED,
                "impossible picture size 20000x16");
        if (HUGE_HEADER) {
            submitFile("SPS 16000x16000", withSize(outside.resolve("sps-16k" + r + ".mp4"), 16000, 16000), Expect.QUARANTINED,
                    "decode error");
        }
    }

    private void submitGoodUploads() throws IOException {
        List<String> names = new ArrayList<>(List.of("my holiday clip.mp4", "it's a \"quoted\" `name`.mp4"));
        if (UNICODE_FILE_NAMES) {
            names.add("vidéo ünïcødé 日本語 ✓.mp4");
        }
        for (String name : names) {
            submitFile("name: " + name, SyntheticMedia.builder().seconds(1).write(outside.resolve(name)), Expect.SUCCEEDS, null);
        }
        Path lying = SyntheticMedia.builder().seconds(1).write(outside.resolve("container-says-0x0.mp4"));
        Mp4Surgery.declareContainerSize(lying, 0, 0);
        submitFile("tkhd/avc1 0x0, SPS sound", lying, Expect.SUCCEEDS, null);
    }

    private static Path withSize(Path file, int width, int height) throws IOException {
        SyntheticMedia.builder().seconds(0.2).write(file);
        Mp4Surgery.declareSize(file, width, height);
        return file;
    }

    private void submitFile(String label, Path original, Expect expect, String reason) {
        UUID job = client.submit(original, 0);
        uploads.add(new Upload(label, job, jobs.job(job).orElseThrow().sourceName(), original, expect, reason));
    }

    private void submitName(String label, String sourceName, Path original, Expect expect, String reason) {
        uploads.add(new Upload(label, jobs.submit(sourceName, 0), sourceName, original, expect, reason));
    }

    private void assertSucceeded(Upload u, JobView j) {
        assertThat(j.status()).as("%s: status (%s)", u.label(), j.failureReason()).isEqualTo(Status.COMPLETE);
        String stem = u.sourceName().substring(0, u.sourceName().lastIndexOf('.'));
        List<Path> delivered = j.deliveredFiles().lines().map(Path::of).filter(p -> p.toString().endsWith(".mp4")).toList();
        assertThat(delivered).as("%s: delivered", u.label()).singleElement().satisfies(p -> {
            assertThat(p.getFileName().toString()).isEqualTo(stem + "720p30.mp4");
            assertThat(p.getParent()).isEqualTo(work.resolve("export").resolve(Uuids.hex(u.job())).toAbsolutePath());
            MediaEngine media = new MediaEngine(settings.media());
            MediaInfo info = media.probe(p, new Cancellation());
            assertThat(info.video().width()).isEqualTo(320);
            assertThat(info.video().height()).isEqualTo(180);
            media.verify(p, info, f -> { }, new Cancellation());
        });
        assertThat(settings.work().sourceDir().resolve(u.sourceName())).as("%s: source deleted after export", u.label()).doesNotExist();
    }

    private void assertFailed(Upload u, JobView j, JsonNode shown) throws IOException {
        String hex = Uuids.hex(u.job());
        assertThat(j.status()).as("%s: status", u.label()).isEqualTo(Status.FAILED);
        assertThat(j.failureReason()).as("%s: failure reason", u.label()).isNotBlank();
        assertThat(j.failureReason().toLowerCase(Locale.ROOT)).as("%s: failure reason", u.label()).contains(u.reason());
        String baseName = u.sourceName().substring(u.sourceName().lastIndexOf('/') + 1);
        assertThat(j.failureReason()).as("%s: the reason names the source", u.label()).contains(baseName);
        assertThat(shown).as("%s: in mpp status --json", u.label()).isNotNull();
        assertThat(shown.path("status").asInt()).as("%s: status in mpp status", u.label()).isEqualTo(Status.FAILED);
        assertThat(shown.path("failureReason").asText()).as("%s: reason in mpp status", u.label()).isEqualTo(j.failureReason());

        Path quarantine = work.resolve("quarantine");
        List<Path> quarantined;
        try (Stream<Path> q = Files.list(quarantine)) {
            quarantined = q.filter(p -> p.getFileName().toString().startsWith(hex + "-")).toList();
        }
        if (u.expect() == Expect.QUARANTINED) {
            Path expected = quarantine.resolve(hex + "-" + baseName);
            Path inSource = settings.work().sourceDir().resolve(u.sourceName());
            assertThat(Files.exists(expected) || Files.exists(inSource)).as("%s: the source still exists somewhere (never deleted)", u.label())
                    .isTrue();
            assertThat(quarantined).as("%s: quarantined as %s", u.label(), expected).containsExactly(expected);
            assertThat(inSource).as("%s: gone from the source folder", u.label()).doesNotExist();
            if (u.original() != null) {
                assertThat(FileTrees.sha256(expected)).as("%s: quarantined unchanged", u.label()).isEqualTo(FileTrees.sha256(u.original()));
            } else {
                assertThat(expected).isDirectory();
            }
        } else {
            assertThat(quarantined).as("%s: nothing of it in quarantine", u.label()).isEmpty();
        }
        for (String stage : List.of("ingest", "transcode", "export")) {
            assertThat(work.resolve(stage).resolve(hex)).as("%s: %s folder purged", u.label(), stage).doesNotExist();
        }
    }

    /** {@code mpp status --json --config <file naming this work folder>}, run in this JVM: job UUID to its JSON. */
    private Map<UUID, JsonNode> statusJson() throws IOException {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        synchronized (System.class) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                exit = Main.run("status", "--json", "--limit", "1000", "--config", cliConfig.toString());
            } finally {
                System.setOut(stdout);
            }
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("mpp status exit code; output: %s", out).isZero();
        Map<UUID, JsonNode> byJob = new HashMap<>();
        for (JsonNode job : new ObjectMapper().readTree(out).path("jobs")) {
            byJob.put(UUID.fromString(job.path("uuid").asText()), job);
        }
        return byJob;
    }
}
