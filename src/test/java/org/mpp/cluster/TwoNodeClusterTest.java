package org.mpp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.mpp.store.schema.Tables.JOB;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.ladder.OutputSpec;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;
import org.mpp.store.ControlStore;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.NodeStore;
import org.mpp.store.Status;
import org.mpp.store.TestDatabases;
import org.mpp.store.Uuids;
import org.mpp.testmedia.BadMedia;
import org.mpp.testmedia.SyntheticMedia;
import org.mpp.testnode.NodeProcess;

/**
 * A cluster of two node processes (separate JVMs) on one MariaDB database and one shared work folder, roles split
 * as in a real deployment: a front node ingests and exports, an encoder node only transcodes. Every job therefore
 * crosses both nodes through the database and the work folder.
 *
 * <p>The two nodes start once for the class (a node JVM takes several seconds to start); the tests run in order and
 * the last one stops both nodes, the way an operator would. Each test first restarts any node a previous test
 * stopped, so any single test also runs alone. On failure the end of both nodes' logs is printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeClusterTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(45);
    private static final String FRONT_ROLES = "ingest=1,transcode=0,export=1";
    private static final String ENCODER_ROLES = "ingest=0,transcode=2,export=0";

    @TempDir
    static Path dir;
    static TestDatabases.Fresh fresh;
    static Database db;
    static JobStore jobs;
    static NodeStore nodes;
    static ControlStore control;
    static MppClient client;
    static MediaEngine media;
    static NodeProcess front;
    static NodeProcess encoder;
    static UUID frontId;
    static UUID encoderId;

    @RegisterExtension
    static final AfterTestExecutionCallback LOGS_ON_FAILURE = ctx -> ctx.getExecutionException().ifPresent(e -> printNodeLogs());

    @BeforeAll
    static void startCluster() throws Exception {
        fresh = TestDatabases.mariaDb();
        db = fresh.open();
        jobs = new JobStore(db);
        nodes = new NodeStore(db);
        control = new ControlStore(db);
        useSmallLadder();
        Settings settings = Settings.from(ConfigFactory.parseMap(Map.of("mpp.work.dir", work().toString()))
                .withFallback(ConfigFactory.defaultReference()).resolve());
        client = MppClient.create(db, settings);
        media = new MediaEngine(new Settings.Media(1, 1, 1, 1));
        startMissingNodes();
    }

    @BeforeEach
    void bothNodesRun() throws Exception {
        startMissingNodes();
    }

    @AfterAll
    static void stopCluster() {
        for (NodeProcess n : new NodeProcess[] {front, encoder}) {
            if (n != null) {
                n.close();
            }
        }
        if (client != null) {
            client.close();
        }
        if (fresh != null) {
            fresh.close();
        }
    }

    @Test
    @Order(1)
    void jobsFromTheClientAndFromPlainSqlCrossBothNodesAndComeOutComplete() throws Exception {
        Map<UUID, Source> submitted = new LinkedHashMap<>();
        for (Source s : List.of(new Source("a", 30, 2), new Source("b", 25, 3), new Source("c", 30, 2.5))) {
            submitted.put(client.submit(s.write(dir.resolve("uploads")), 0), s);
        }
        Source bySql = new Source("x", 30, 2);
        bySql.write(work().resolve("source"));
        db.dsl().execute("INSERT INTO job (sourceName, dateAdded) VALUES ('x.mp4', CURRENT_TIMESTAMP)");
        long sqlJobId = db.dsl().select(DSL.max(JOB.JOBID)).from(JOB).fetchOne(0, Long.class);
        UUID adopted = await("a node gives the SQL job a UUID").atMost(JOB_TIMEOUT)
                .until(() -> jobs.find(Long.toString(sqlJobId)).map(JobView::uuid).orElse(null), u -> u != null);
        submitted.put(adopted, bySql);

        awaitFinished(submitted.keySet());

        for (Map.Entry<UUID, Source> e : submitted.entrySet()) {
            UUID job = e.getKey();
            Source s = e.getValue();
            JobView done = jobs.job(job).orElseThrow();
            assertThat(done.status()).as("status of %s", s.file()).isEqualTo(Status.COMPLETE);
            assertThat(done.progress()).isEqualTo(1.0);
            assertThat(done.dateCompleted()).isNotNull();
            List<Path> delivered = done.deliveredFiles().lines().map(Path::of).filter(p -> p.toString().endsWith(".mp4")).toList();
            assertThat(delivered).as("delivered files of %s", s.file()).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder(s.stem + "180p" + s.fps + ".mp4", s.stem + "90p" + s.fps + ".mp4");
            for (Path p : delivered) {
                assertThat(p.getParent()).isEqualTo(work().resolve("export").resolve(Uuids.hex(job)));
                boolean large = p.getFileName().toString().contains("180p");
                assertRendition(p, large ? 320 : 160, large ? 180 : 90, s);
            }
            assertThat(work().resolve("source").resolve(s.file())).as("source of a complete job").doesNotExist();
            assertThat(work().resolve("ingest").resolve(Uuids.hex(job))).as("ingest folder of a complete job").doesNotExist();
            assertThat(work().resolve("transcode").resolve(Uuids.hex(job))).as("transcode folder of a complete job").doesNotExist();
            assertThat(taskNodes("ingestJob", job)).as("who ingested %s", s.file()).containsOnly(frontId);
            assertThat(taskNodes("transcodeJob", job)).as("who transcoded %s", s.file()).isNotEmpty().containsOnly(encoderId);
            assertThat(taskNodes("exportJob", job)).as("who exported %s", s.file()).containsOnly(frontId);
        }
        assertThat(work().resolve("source")).as("source folder, no leftovers").isEmptyDirectory();
        assertThat(nodes.list()).extracting(NodeStore.NodeView::uuid, NodeStore.NodeView::roles)
                .contains(tuple(frontId, FRONT_ROLES), tuple(encoderId, ENCODER_ROLES));
    }

    @Test
    @Order(2)
    void withTranscodingDisabledAJobWaitsAfterIngestUntilItIsEnabledAgain() throws Exception {
        control.setPolicy("transcodeEnabled", "0");
        try {
            awaitBothNodesReadPolicies();
            UUID job = client.submit(new Source("held", 30, 2).write(dir.resolve("uploads")), 0);

            await("ingest of the held job").atMost(JOB_TIMEOUT).failFast("the job failed", () -> status(job) == Status.FAILED)
                    .until(() -> status(job) == Status.TRANSCODING);
            await("the held job stays in transcoding").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                    .until(() -> status(job) == Status.TRANSCODING);
            assertThat(db.dsl().fetch("SELECT status, attempt FROM transcodeJob WHERE fk_jobUUID = ?", (Object) Uuids.bytes(job)))
                    .as("no segment was claimed").isNotEmpty()
                    .allSatisfy(r -> assertThat(List.of(r.get(0, Integer.class), r.get(1, Integer.class))).containsExactly(Status.READY, 0));

            control.setPolicy("transcodeEnabled", "1");
            awaitFinished(Set.of(job));
            assertThat(status(job)).isEqualTo(Status.COMPLETE);
        } finally {
            control.setPolicy("transcodeEnabled", "1");
        }
    }

    @Test
    @Order(3)
    void aSourceThatIsNoVideoFailsItsJobAndIsQuarantinedWhileTheClusterServesTheOthers() throws Exception {
        Path badFile = BadMedia.randomBytes(dir.resolve("uploads").resolve("bad.mp4"), 20_000);
        byte[] badBytes = Files.readAllBytes(badFile);
        UUID bad = client.submit(badFile, 0);
        Source goodSource = new Source("good", 30, 2);
        UUID good = client.submit(goodSource.write(dir.resolve("uploads")), 0);

        awaitFinished(Set.of(bad, good));

        JobView failed = jobs.job(bad).orElseThrow();
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(db.dsl().select(JOB.FAILED).from(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(bad))).fetchOne(JOB.FAILED))
                .as("job.failed").isTrue();
        assertThat(failed.failureReason()).as("failure reason").contains("bad.mp4").contains("not a media file")
                .doesNotContain("\tat ").hasSizeLessThan(1000);
        Path quarantined = work().resolve("quarantine").resolve(Uuids.hex(bad) + "-bad.mp4");
        assertThat(quarantined).isRegularFile().hasBinaryContent(badBytes);
        assertThat(work().resolve("source").resolve("bad.mp4")).doesNotExist();
        assertThat(work().resolve("ingest").resolve(Uuids.hex(bad))).doesNotExist();

        JobView ok = jobs.job(good).orElseThrow();
        assertThat(ok.status()).isEqualTo(Status.COMPLETE);
        assertThat(ok.deliveredFiles().lines().map(Path::of)).as("two renditions and two manifests").hasSize(4)
                .allSatisfy(p -> assertThat(p).isRegularFile());
    }

    @Test
    @Order(4)
    void aTerminatedNodeAndASigtermedNodeEachExitCleanlyAndUnregister() throws Exception {
        assertThat(nodes.terminate(encoderId.toString())).as("terminate flag set on the encoder's row").isTrue();
        int encoderExit = encoder.awaitExit(EXIT_TIMEOUT);
        List<UUID> afterTerminate = nodeIds();

        front.sigterm();
        int frontExit = front.awaitExit(EXIT_TIMEOUT);
        List<UUID> afterSigterm = nodeIds();

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(encoderExit).as("exit code of the encoder after node.terminate = 1").isZero();
        soft.assertThat(afterTerminate).as("node rows after the encoder terminated").doesNotContain(encoderId).contains(frontId);
        soft.assertThat(frontExit).as("exit code of the front node after SIGTERM").isZero();
        soft.assertThat(afterSigterm).as("node rows after the front node's SIGTERM").doesNotContain(frontId);
        soft.assertAll();
    }

    // ---- fixture ----

    /** A synthetic upload: 320x180 H.264 + stereo AAC of {@code seconds} at {@code fps}. */
    record Source(String stem, int fps, double seconds) {
        String file() {
            return stem + ".mp4";
        }

        SyntheticMedia.Builder builder() {
            return SyntheticMedia.builder().size(320, 180).fps(fps).seconds(seconds);
        }

        Path write(Path folder) throws IOException {
            Files.createDirectories(folder);
            return builder().write(folder.resolve(file()));
        }
    }

    static Path work() {
        return dir.resolve("work").toAbsolutePath();
    }

    /** Two small rungs instead of the seed's 1080p and 720p, so 320x180 sources make two renditions quickly. */
    private static void useSmallLadder() {
        List<ControlStore.OutputRow> rows = control.outputs();
        control.setOutput(rows.get(0).id(), new OutputSpec(320, 180, 28, "ultrafast", "main", 30, 64));
        control.setOutput(rows.get(1).id(), new OutputSpec(160, 90, 28, "ultrafast", "main", 30, 64));
        for (ControlStore.OutputRow r : rows.subList(2, rows.size())) {
            control.setOutputActive(r.id(), false);
        }
    }

    private static Config nodeConfig(int ingest, int transcode, int export) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("mpp.db.url", fresh.url());
        if (!fresh.user().isEmpty()) {
            c.put("mpp.db.user", fresh.user());
        }
        if (!fresh.password().isEmpty()) {
            c.put("mpp.db.password", fresh.password());
        }
        c.put("mpp.db.pool-size", 4);
        c.put("mpp.work.dir", work().toString());
        c.put("mpp.node.roles.ingest", ingest);
        c.put("mpp.node.roles.transcode", transcode);
        c.put("mpp.node.roles.export", export);
        c.put("mpp.node.heartbeat-seconds", 1);
        c.put("mpp.node.lease-seconds", 6);
        c.put("mpp.node.poll-millis", 200);
        c.put("mpp.media.segment-seconds", 1);
        c.put("mpp.media.gop-seconds", 1);
        return ConfigFactory.parseMap(c);
    }

    /** Starts whichever node is not running (both, the first time) and waits until each has registered. */
    private static void startMissingNodes() throws IOException {
        if (front == null || !front.isAlive()) {
            front = NodeProcess.start("front" + (front == null ? "" : "-" + System.nanoTime()), dir.resolve("nodes"), nodeConfig(1, 0, 1));
            frontId = null;
        }
        if (encoder == null || !encoder.isAlive()) {
            encoder = NodeProcess.start("encoder" + (encoder == null ? "" : "-" + System.nanoTime()), dir.resolve("nodes"), nodeConfig(0, 2, 0));
            encoderId = null;
        }
        if (frontId == null) {
            frontId = awaitRegistered(front, FRONT_ROLES);
        }
        if (encoderId == null) {
            encoderId = awaitRegistered(encoder, ENCODER_ROLES);
        }
    }

    private static UUID awaitRegistered(NodeProcess node, String roles) {
        UUID id;
        try {
            id = await(node.name() + " starts").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(250))
                    .failFast(node.name() + " exited during start-up", () -> !node.isAlive())
                    .until(node::runningAs, Optional::isPresent).orElseThrow();
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n" + node.tail(40), e);
        }
        assertThat(nodes.list()).as("node row of %s", node.name()).anySatisfy(v -> {
            assertThat(v.uuid()).isEqualTo(id);
            assertThat(v.roles()).isEqualTo(roles);
        });
        return id;
    }

    /**
     * Waits until every node has finished a heartbeat that began after now: nodes re-read policies on each heartbeat,
     * after updating lastAccess, so two lastAccess updates after a change prove the change was read.
     */
    private static void awaitBothNodesReadPolicies() {
        for (int round = 0; round < 2; round++) {
            // lastAccess is on the database's UTC clock (issue 11), not on its local time.
            LocalDateTime since = db.dsl().fetchValue(DSL.field("UTC_TIMESTAMP(6)", LocalDateTime.class));
            await("heartbeats of both nodes").atMost(Duration.ofSeconds(20)).until(() -> nodes.list().stream()
                    .filter(n -> n.uuid().equals(frontId) || n.uuid().equals(encoderId))
                    .filter(n -> n.lastAccess().isAfter(since)).count() == 2);
        }
    }

    private static void awaitFinished(Set<UUID> wanted) {
        await("jobs " + wanted + " finish").atMost(JOB_TIMEOUT).pollInterval(Duration.ofMillis(250))
                .failFast("a node died", () -> !front.isAlive() || !encoder.isAlive())
                .until(() -> wanted.stream().allMatch(j -> jobs.job(j).map(JobView::finished).orElse(false)));
    }

    private static int status(UUID job) {
        return jobs.job(job).orElseThrow().status();
    }

    private static List<UUID> nodeIds() {
        return nodes.list().stream().map(NodeStore.NodeView::uuid).toList();
    }

    /** The node that holds or last held each task of a job in a stage table (a completed task keeps its node). */
    private static List<UUID> taskNodes(String table, UUID job) {
        List<UUID> out = new ArrayList<>();
        for (var r : db.dsl().fetch("SELECT fk_nodeUUID FROM " + table + " WHERE fk_jobUUID = ?", (Object) Uuids.bytes(job))) {
            byte[] b = r.get(0, byte[].class);
            out.add(b == null ? null : Uuids.uuid(b));
        }
        return out;
    }

    /** H.264 at the planned size, every source frame there once at the source's rate, the source's duration, AAC audio. */
    private static void assertRendition(Path file, int width, int height, Source s) {
        SyntheticMedia.Plan plan = s.builder().plan();
        assertThat(file).isRegularFile();
        MediaInfo info = media.probe(file, Cancellation.none());
        MediaInfo.VideoInfo v = info.video();
        assertThat(v.codec()).as("codec of %s", file).isEqualTo("h264");
        assertThat(List.of(v.width(), v.height())).as("size of %s", file).containsExactly(width, height);
        assertThat(v.frameCount()).as("frames of %s", file).isEqualTo(plan.frameCount()).isEqualTo(Math.round(s.seconds * s.fps));
        assertThat(v.nominalFrameRate().toDouble()).as("frame rate of %s", file).isEqualTo(s.fps);
        assertThat(v.duration().toDouble()).as("video duration of %s", file).isCloseTo(s.seconds, within(2.0 / s.fps));
        assertThat(info.audio()).as("audio of %s", file).isNotNull();
        assertThat(info.audio().codec()).isEqualTo("aac");
    }

    private static void printNodeLogs() {
        for (NodeProcess n : new NodeProcess[] {front, encoder}) {
            if (n != null) {
                System.out.println(n.tail(60));
            }
        }
        try (Stream<Path> files = Files.exists(work()) ? Files.walk(work()) : Stream.empty()) {
            System.out.println("----- work folder:\n" + files.map(p -> work().relativize(p).toString()).collect(Collectors.joining("\n")));
        } catch (IOException e) {
            System.out.println("(cannot list the work folder: " + e + ")");
        }
        try {
            System.out.println("----- jobs:\n" + db.dsl().fetch("SELECT jobID, HEX(jobUUID) uuid, sourceName, status, failed, progress, failureReason FROM job"));
            System.out.println("----- nodes:\n" + db.dsl().fetch("SELECT nodeID, HEX(nodeUUID) uuid, roles, lastAccess, terminate FROM node"));
        } catch (RuntimeException e) {
            System.out.println("(cannot read the database: " + e + ")");
        }
    }
}
