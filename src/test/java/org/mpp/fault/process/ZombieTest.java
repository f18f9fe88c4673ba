package org.mpp.fault.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mpp.store.Status;
import org.mpp.store.Uuids;
import org.mpp.testnode.NodeProcess;

/**
 * Issue 4, scenario 3 (zombie): a transcoding node is frozen with SIGSTOP in the middle of a segment and stays frozen
 * past its lease; the segment is recovered, claimed and finished by another node; then the frozen node is resumed with
 * SIGCONT. The resumed node must not complete the task (the database's history shows one completion, by the new
 * owner), must not overwrite the new owner's files (their bytes are unchanged), must not move the job (it stays
 * transcoded: export is held off by policy meanwhile), must say in its log that it lost the claim, and must carry on:
 * it keeps heartbeating and, once it is the only transcoder left, encodes the next job. Both jobs come out correct.
 *
 * <p>In the first test the freeze outlasts the lease but not the {@code nodeTimeout} policy (set above it); in the
 * second it outlasts nodeTimeout too, so that the frozen node's row is purged meanwhile.
 *
 * <p>Parameters ({@code -Dmpp.soak.NAME}; short default / long default with {@code -Dmpp.soak=true}):
 * {@code lease-seconds}, {@code heartbeat-seconds} 6, 1 / 30, 2; {@code clip-seconds} 12 / 20 (one 640x360 segment,
 * two veryslow renditions, one encoder thread: several seconds of encoding).
 * <pre>
 * mvn -Dmpp.build.dir=/tmp/proc-target test -Dtest=ZombieTest
 * mvn -Dmpp.build.dir=/tmp/proc-target test -Dtest=ZombieTest -Dmpp.soak=true
 * </pre>
 */
class ZombieTest {
    private static final double CLIP_SECONDS = Soak.decimal("clip-seconds", 12, 20);
    /** What a node logs when it finds out, at progress, completion or failure, that its claim went to another node. */
    private static final String LOST_CLAIM = "(Stopped|Dropped|Not recording the failure of) transcode task \\d+ of job [0-9a-f-]+ \\(segment 0\\)";

    @RegisterExtension
    final ProcessCluster cluster = new ProcessCluster().timing(Soak.timing()).segmentSeconds(60).ladder(ProcessCluster.SLOW_LADDER)
            .nodeSetting("mpp.media.encoder-threads", 1);

    @Test
    void aFrozenNodeThatLostItsSegmentNeitherCompletesItNorTouchesTheNewOwnersFilesAndCarriesOn() throws Exception {
        Duration lease = cluster.timing().lease();
        cluster.startOnSharedServer();
        cluster.control().setPolicy("nodeTimeout", Long.toString(lease.toSeconds() * 10 + 60));
        cluster.control().setPolicy("exportEnabled", "0");
        NodeProcess front = cluster.startNode(new ProcessCluster.Roles(1, 0, 1));
        NodeProcess zombie = cluster.startNode(new ProcessCluster.Roles(0, 1, 0));
        cluster.awaitPoliciesRead();
        Clip clip = Clip.of("z", 360, CLIP_SECONDS);
        UUID job = cluster.submit(clip);

        Record task = await("the zombie-to-be is a tenth into the segment").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> segment(job), r -> r != null && r.get("status", Integer.class) == Status.RUNNING
                        && zombie.id().equals(node(r)) && r.get("progress", Double.class) >= 0.1 && r.get("progress", Double.class) < 0.7);
        long taskId = task.get("transcodeJobID", Long.class);
        int frozenAttempt = task.get("attempt", Integer.class);
        LocalDateTime frozenAt = cluster.audit().now();
        zombie.freeze();

        NodeProcess rescuer = cluster.startNode(new ProcessCluster.Roles(0, 1, 0));
        Record done = await("another node finishes the segment").atMost(lease.multipliedBy(3).plusSeconds(120)).pollInterval(Duration.ofMillis(200))
                .failFast("the rescuer exited", () -> !rescuer.isAlive())
                .until(() -> segment(job), r -> r.get("status", Integer.class) == Status.COMPLETED);
        int newAttempt = done.get("attempt", Integer.class);
        assertThat(node(done)).as("node that completed the segment").isEqualTo(rescuer.id());
        assertThat(newAttempt).as("attempt of the completion").isGreaterThan(frozenAttempt);
        // The segment's row is completed first and the job moved on right after (TaskStore.completeTranscode).
        await("the job moves on after its last segment, export held").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.job(job).orElseThrow().status() == Status.TRANSCODED);
        Map<String, String> ownersFiles = hashes(cluster.work().resolve("transcode").resolve(Uuids.hex(job)));
        ownersFiles.keySet().removeIf(f -> !f.endsWith(".a" + newAttempt + ".mp4"));
        assertThat(ownersFiles.keySet()).as("the new owner's encoded segments")
                .containsExactlyInAnyOrder("360p30/segment-00000.a" + newAttempt + ".mp4", "180p30/segment-00000.a" + newAttempt + ".mp4");

        LocalDateTime thawedAt = cluster.audit().now();
        long thawed = System.nanoTime();
        zombie.thaw();
        String lost = zombie.awaitLog(LOST_CLAIM, lease.plusSeconds(60));
        double noticeSeconds = (System.nanoTime() - thawed) / 1e9;
        for (int beat = 0; beat < 2; beat++) {
            LocalDateTime since = cluster.audit().now();
            await("the resumed node heartbeats").atMost(Duration.ofSeconds(30)).failFast("the resumed node exited", () -> !zombie.isAlive())
                    .until(() -> cluster.nodeStore().list().stream().anyMatch(n -> n.uuid().equals(zombie.id()) && n.lastAccess().isAfter(since)));
        }

        assertThat(zombie.isAlive()).as("the resumed node runs").isTrue();
        Record after = segment(job);
        assertThat(List.of(after.get("status", Integer.class), after.get("attempt", Integer.class), node(after).toString()))
                .as("the segment's row after the resumed node settled").containsExactly(Status.COMPLETED, newAttempt, rescuer.id().toString());
        List<TaskAudit.Event> events = cluster.audit().events();
        List<TaskAudit.Event> completions = events.stream().filter(e -> e.task().id() == taskId && e.task().stage().equals("transcode")
                && e.isCompletion()).toList();
        assertThat(completions).as("completions of the segment").hasSize(1);
        assertThat(completions.get(0).oldNode()).isEqualTo(rescuer.id());
        assertThat(events.stream().filter(e -> e.at().isAfter(thawedAt) && (zombie.id().equals(e.oldNode()) || zombie.id().equals(e.newNode()))))
                .as("task changes involving the resumed node after SIGCONT").isEmpty();
        assertThat(cluster.job(job).orElseThrow().status()).as("job after the resumed node settled").isEqualTo(Status.TRANSCODED);
        Map<String, String> filesAfter = hashes(cluster.work().resolve("transcode").resolve(Uuids.hex(job)));
        ownersFiles.forEach((file, hash) -> assertThat(filesAfter.get(file)).as("bytes of the new owner's %s", file).isEqualTo(hash));
        List<String> zombieFiles = filesAfter.keySet().stream().filter(f -> f.endsWith(".a" + frozenAttempt + ".mp4")).toList();

        // It carries on: with the rescuer gone, the resumed node encodes the next job, and both jobs complete.
        rescuer.sigterm();
        assertThat(rescuer.awaitExit(Duration.ofSeconds(60))).as("exit code of the rescuer after SIGTERM").isZero();
        cluster.control().setPolicy("exportEnabled", "1");
        Clip second = Clip.of("after", 180, 4);
        UUID next = cluster.submit(second);
        cluster.awaitFinished(List.of(job, next), Duration.ofSeconds(180), "a node exited", () -> !front.isAlive() || !zombie.isAlive());
        cluster.outputs().assertDelivered(cluster.job(job).orElseThrow(), clip);
        cluster.outputs().assertDelivered(cluster.job(next).orElseThrow(), second);
        assertThat(cluster.audit().events().stream().filter(e -> e.job().equals(next) && e.isCompletion() && e.task().stage().equals("transcode")))
                .as("segments of the next job").isNotEmpty().allSatisfy(e -> assertThat(e.oldNode()).isEqualTo(zombie.id()));

        List<TaskAudit.Event> history = events.stream().filter(e -> e.task().id() == taskId && e.task().stage().equals("transcode")).toList();
        var recovery = TaskAudit.nextRecovery(history, new TaskAudit.TaskKey("transcode", taskId), frozenAt);
        var claim = TaskAudit.nextClaim(history, new TaskAudit.TaskKey("transcode", taskId), frozenAt);
        cluster.figure("Zombie %s mode: lease %d s, frozen %.1f s (SIGSTOP at %.0f%% of the segment); freeze->recovered %.1f s, "
                        + "->claimed by another node %.1f s, ->completed by it %.1f s; resumed node logged \"%s\" %.1f s after SIGCONT, "
                        + "kept heartbeating, completions of the segment %d, zombie's own attempt-%d files written: %s, new owner's files unchanged",
                Soak.mode(), lease.toSeconds(), TaskAudit.seconds(frozenAt, thawedAt), task.get("progress", Double.class) * 100,
                recovery.map(r -> TaskAudit.seconds(frozenAt, r.at())).orElse(Double.NaN),
                claim.map(c -> TaskAudit.seconds(frozenAt, c.at())).orElse(Double.NaN), TaskAudit.seconds(frozenAt, completions.get(0).at()),
                lost, noticeSeconds, completions.size(), frozenAttempt, zombieFiles.isEmpty() ? "none" : zombieFiles + " (under its own name)");
    }

    /**
     * The same, frozen for longer than the {@code nodeTimeout} policy: meanwhile another node purges the frozen node's
     * row as silent. Resumed, it must still neither complete the segment nor move the job, and it must register again
     * and carry on (issue 4: "it notices it lost its claim and carries on (or re-registers)"). Before the fix in
     * aba5781 such a node read the missing row as an operator's "stop" and exited 0.
     */
    @Test
    void aNodeFrozenPastNodeTimeoutIsPurgedAndOnResumingRegistersAgainWithoutTouchingTheSegment() throws Exception {
        Duration lease = cluster.timing().lease();
        Duration nodeTimeout = lease.plusSeconds(2);
        cluster.startOnSharedServer();
        cluster.control().setPolicy("nodeTimeout", Long.toString(nodeTimeout.toSeconds()));
        NodeProcess front = cluster.startNode(new ProcessCluster.Roles(1, 0, 1));
        NodeProcess zombie = cluster.startNode(new ProcessCluster.Roles(0, 1, 0));
        Clip clip = Clip.of("p", 360, CLIP_SECONDS);
        UUID job = cluster.submit(clip);
        await("the zombie-to-be is a tenth into the segment").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> segment(job), r -> r != null && r.get("status", Integer.class) == Status.RUNNING
                        && zombie.id().equals(node(r)) && r.get("progress", Double.class) >= 0.1);
        LocalDateTime frozenAt = cluster.audit().now();
        zombie.freeze();
        NodeProcess rescuer = cluster.startNode(new ProcessCluster.Roles(0, 1, 0));
        cluster.awaitFinished(List.of(job), lease.multipliedBy(3).plusSeconds(120), "a node exited", () -> !front.isAlive() || !rescuer.isAlive());
        await("the frozen node's row is purged").atMost(nodeTimeout.multipliedBy(3))
                .until(() -> cluster.nodeStore().list().stream().noneMatch(n -> n.uuid().equals(zombie.id())));
        LocalDateTime thawedAt = cluster.audit().now();
        zombie.thaw();
        zombie.awaitLog(LOST_CLAIM, lease.plusSeconds(60));
        String again = zombie.awaitLog("Node \\S+ was silent for \\d+ s and its row is gone[^\\n]*", Duration.ofSeconds(30));
        await("the resumed node is registered and heartbeating again").atMost(Duration.ofSeconds(30))
                .failFast("the resumed node exited", () -> !zombie.isAlive())
                .until(() -> cluster.nodeStore().list().stream().anyMatch(n -> n.uuid().equals(zombie.id()) && n.lastAccess().isAfter(thawedAt)));
        assertThat(cluster.audit().events().stream().filter(e -> e.at().isAfter(thawedAt) && (zombie.id().equals(e.oldNode())
                || zombie.id().equals(e.newNode())))).as("task changes involving the resumed node after SIGCONT").isEmpty();
        cluster.outputs().assertDelivered(cluster.job(job).orElseThrow(), clip);
        cluster.figure("Zombie purged while frozen %s mode: lease %d s, nodeTimeout %d s; frozen %.1f s; resumed node logged \"%s\", "
                        + "registered again and heartbeats; no task change by it; job complete and correct", Soak.mode(), lease.toSeconds(),
                nodeTimeout.toSeconds(), TaskAudit.seconds(frozenAt, thawedAt), again);
    }

    private Record segment(UUID job) {
        return cluster.db().dsl().fetchOne("SELECT transcodeJobID, status, attempt, progress, fk_nodeUUID FROM transcodeJob "
                + "WHERE fk_jobUUID = ? AND segmentPart = 0", (Object) Uuids.bytes(job));
    }

    private static UUID node(Record r) {
        byte[] b = r.get("fk_nodeUUID", byte[].class);
        return b == null ? null : Uuids.uuid(b);
    }

    /** SHA-256 of every regular file under {@code dir}, by path relative to it. */
    private static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), sha256(p));
            }
        }
        return out;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
