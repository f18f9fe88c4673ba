package org.mpp.fault.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Random;
import java.util.UUID;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import org.mpp.store.Uuids;
import org.mpp.testnode.NodeProcess;

/**
 * Issue 4, scenario 6 (poison input): a segment whose transcode fails every time must end its job as failed after
 * {@code failureTolerance} attempts, with a reason an operator can read, its source quarantined and its work folders
 * purged, while the cluster goes on serving other jobs. Two node processes (ingest, transcode and export each) on a
 * fresh MariaDB database; after the poisoned job's ingest (transcoding is held off by policy meanwhile), the harness
 * spoils one segment in {@code ingest/<job>/a<attempt>/}:
 * <ul>
 * <li>replaced by a directory: the transcode fails with an ordinary (retryable) error each time, so the job fails
 * after exactly failureTolerance attempts;</li>
 * <li>replaced by random bytes: the product reads that as bad input, which is permanent: the job fails at the first
 * attempt (reported by the figures; the test requires only that it ends failed, within the tolerance);</li>
 * <li>left intact, but every node that claims it is killed ({@code kill -9}) and replaced: each lease recovery counts
 * as a failure, so the job fails after failureTolerance recoveries (DESIGN.md, "Crashes count").</li>
 * </ul>
 * Good jobs submitted alongside must complete correctly, and tasks of theirs must complete while the poisoned segment
 * is still being retried.
 *
 * <p>Parameters ({@code -Dmpp.soak.NAME}; short default / long default with {@code -Dmpp.soak=true}): {@code tolerance}
 * 3 / 3 (failureTolerance; 2 in the kill case, to keep it short); {@code jobs} 2 / 8 good jobs alongside;
 * {@code lease-seconds}, {@code heartbeat-seconds} 6, 1 / 30, 2.
 * <pre>
 * mvn -Dmpp.build.dir=/tmp/proc-target test -Dtest=PoisonSegmentTest
 * mvn -Dmpp.build.dir=/tmp/proc-target test -Dtest=PoisonSegmentTest -Dmpp.soak=true
 * </pre>
 */
class PoisonSegmentTest {
    private static final int TOLERANCE = Soak.integer("tolerance", 3, 3);
    private static final int GOOD_JOBS = Soak.integer("jobs", 2, 8);
    private static final int POISONED_PART = 1;
    private static final Duration FINISH_TIMEOUT = Duration.ofMinutes(Soak.on() ? 15 : 4);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final ProcessCluster cluster = new ProcessCluster().timing(Soak.timing());

    @Test
    void aSegmentThatFailsEveryTimeFailsItsJobAfterFailureToleranceAttemptsWhileOtherJobsComplete() throws Exception {
        cluster.startOnSharedServer();
        cluster.control().setPolicy("failureTolerance", Integer.toString(TOLERANCE));
        List<NodeProcess> nodes = startNodes(2, ProcessCluster.Roles.ALL);
        Clip poisoned = Clip.of("poisoned", 180, 4);
        UUID job = ingestThenSpoil(poisoned, segment -> {
            Files.delete(segment);
            Files.createDirectory(segment);
        });
        Map<UUID, Clip> good = submitGoodJobs();
        cluster.control().setPolicy("transcodeEnabled", "1");
        awaitAllFinished(job, good, nodes);

        JobView failed = cluster.job(job).orElseThrow();
        Record task = poisonedTask(job);
        List<TaskAudit.Event> history = history(task);
        assertFailedAndQuarantined(failed, poisoned);
        assertThat(failed.failureReason()).as("failure reason").contains("failed " + TOLERANCE + " time(s) in transcode")
                .contains("segment").contains("missing from the shared work folder");
        assertThat(List.of(task.get("status", Integer.class), task.get("failures", Integer.class)))
                .as("status and failures of the poisoned segment").containsExactly(Status.ERROR, TOLERANCE);
        assertThat(history.stream().filter(TaskAudit.Event::isClaim)).as("claims of the poisoned segment").hasSize(TOLERANCE);
        assertThat(history.stream().filter(TaskAudit.Event::isFailure)).as("failures of the poisoned segment").hasSize(TOLERANCE);
        int servedMeanwhile = assertGoodJobsServedMeanwhile(good, history);
        cluster.figure("Poison (segment replaced by a directory) %s mode: failureTolerance %d; job failed after %d attempts in %.1f s "
                        + "(first claim to job failure), reason \"%s\"; %d good job(s) complete, %d of their tasks completed meanwhile; "
                        + "source quarantined, work folders purged; nodes up: %d/%d", Soak.mode(), TOLERANCE,
                history.stream().filter(TaskAudit.Event::isClaim).count(), span(history), failed.failureReason(), good.size(),
                servedMeanwhile, nodes.stream().filter(NodeProcess::isAlive).count(), nodes.size());
    }

    @Test
    void aSegmentFileOfGarbageFailsItsJobWithinFailureToleranceAttempts() throws Exception {
        cluster.startOnSharedServer();
        cluster.control().setPolicy("failureTolerance", Integer.toString(TOLERANCE));
        List<NodeProcess> nodes = startNodes(2, ProcessCluster.Roles.ALL);
        Clip poisoned = Clip.of("garbage", 180, 4);
        UUID job = ingestThenSpoil(poisoned, segment -> {
            byte[] garbage = new byte[(int) Files.size(segment)];
            new Random(4).nextBytes(garbage);
            Files.write(segment, garbage);
        });
        Map<UUID, Clip> good = submitGoodJobs();
        cluster.control().setPolicy("transcodeEnabled", "1");
        awaitAllFinished(job, good, nodes);

        JobView failed = cluster.job(job).orElseThrow();
        List<TaskAudit.Event> history = history(poisonedTask(job));
        assertFailedAndQuarantined(failed, poisoned);
        long attempts = history.stream().filter(TaskAudit.Event::isClaim).count();
        assertThat(attempts).as("attempts at the garbage segment").isBetween(1L, (long) TOLERANCE);
        assertThat(failed.failureReason()).as("failure reason").contains("segment");
        for (Map.Entry<UUID, Clip> e : good.entrySet()) {
            cluster.outputs().assertDelivered(cluster.job(e.getKey()).orElseThrow(), e.getValue());
        }
        cluster.figure("Poison (segment replaced by random bytes) %s mode: failureTolerance %d; job failed after %d attempt(s), "
                        + "reason \"%s\"; %d good job(s) complete; nodes up: %d/%d", Soak.mode(), TOLERANCE, attempts,
                failed.failureReason(), good.size(), nodes.stream().filter(NodeProcess::isAlive).count(), nodes.size());
    }

    @Test
    void aSegmentWhoseEveryHolderIsKilledFailsItsJobAfterFailureToleranceRecoveries() throws Exception {
        int tolerance = Math.min(TOLERANCE, 2);
        // Slow encodes (a second or two per segment), so that the harness finds each holder before it finishes.
        cluster.ladder(ProcessCluster.SLOW_LADDER).segmentSeconds(2).nodeSetting("mpp.media.encoder-threads", 1).startOnSharedServer();
        cluster.control().setPolicy("failureTolerance", Integer.toString(tolerance));
        ProcessCluster.Roles transcoder = new ProcessCluster.Roles(0, 1, 0);
        NodeProcess front = cluster.startNode(new ProcessCluster.Roles(1, 0, 1));
        startNodes(2, transcoder);
        Clip poisoned = Clip.of("deadly", 360, 4);
        UUID job = cluster.submit(poisoned);
        Map<UUID, Clip> good = submitGoodJobs();

        List<String> killed = new ArrayList<>();
        while (!cluster.job(job).map(JobView::finished).orElse(false)) {
            NodeProcess holder = await("a node holds the deadly segment, or its job ends").atMost(FINISH_TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .failFast("the front node exited", () -> !front.isAlive())
                    .until(() -> holderOf(job), h -> h.isPresent() || cluster.job(job).map(JobView::finished).orElse(false))
                    .orElse(null);
            if (holder == null) {
                break;
            }
            holder.sigkill();
            killed.add(holder.name());
            cluster.launch(transcoder, Map.of());
        }
        cluster.awaitFinished(good.keySet(), FINISH_TIMEOUT, "the front node exited", () -> !front.isAlive());

        JobView failed = cluster.job(job).orElseThrow();
        Record task = poisonedTask(job);
        List<TaskAudit.Event> history = history(task);
        assertFailedAndQuarantined(failed, poisoned);
        assertThat(failed.failureReason()).as("failure reason").contains("failed " + tolerance + " time(s) in transcode")
                .contains("its lease expired");
        assertThat(history.stream().filter(TaskAudit.Event::isRecovery)).as("lease recoveries of the deadly segment").hasSize(tolerance);
        assertThat(killed).as("nodes killed holding it").hasSize(tolerance);
        int servedMeanwhile = assertGoodJobsServedMeanwhile(good, history);
        cluster.figure("Poison (every holder killed) %s mode: failureTolerance %d, lease %d s; %d kill(s), job failed %.1f s after the "
                        + "first claim, reason \"%s\"; %d good job(s) complete, %d of their tasks completed meanwhile", Soak.mode(),
                tolerance, cluster.timing().lease().toSeconds(), killed.size(), span(history), failed.failureReason(), good.size(), servedMeanwhile);
    }

    /** The live node that holds segment {@value #POISONED_PART} of {@code job} now, if any. */
    private Optional<NodeProcess> holderOf(UUID job) {
        Record r = cluster.db().dsl().fetchOne("SELECT fk_nodeUUID FROM transcodeJob WHERE fk_jobUUID = ? AND segmentPart = ? "
                + "AND status = ?", Uuids.bytes(job), POISONED_PART, Status.RUNNING);
        byte[] node = r == null ? null : r.get(0, byte[].class);
        return node == null ? Optional.empty() : cluster.node(Uuids.uuid(node)).filter(NodeProcess::isAlive);
    }

    // ---- fixture ----

    /** Something done to a segment file. */
    interface Spoiler {
        void spoil(Path segment) throws IOException;
    }

    private List<NodeProcess> startNodes(int n, ProcessCluster.Roles roles) throws IOException {
        List<NodeProcess> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(cluster.launch(roles, Map.of()));
        }
        started.forEach(p -> p.awaitRunning(ProcessCluster.START_TIMEOUT));
        return started;
    }

    /** Submits {@code clip} with transcoding held off, waits for its ingest, then spoils segment {@value #POISONED_PART}. */
    private UUID ingestThenSpoil(Clip clip, Spoiler spoiler) throws IOException {
        cluster.control().setPolicy("transcodeEnabled", "0");
        cluster.awaitPoliciesRead();
        UUID job = cluster.submit(clip);
        await("ingest of " + clip.fileName()).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .failFast("the job failed at ingest", () -> cluster.job(job).orElseThrow().status() == Status.FAILED)
                .until(() -> cluster.job(job).orElseThrow().status() == Status.TRANSCODING);
        String info = cluster.db().dsl().fetchOne("SELECT segmentInfo FROM transcodeJob WHERE fk_jobUUID = ? AND segmentPart = ?",
                Uuids.bytes(job), POISONED_PART).get(0, String.class);
        JsonNode task = JSON.readTree(info);
        Path segment = cluster.work().resolve("ingest").resolve(Uuids.hex(job)).resolve("a" + task.get("ingestAttempt").asInt())
                .resolve(task.get("segment").get("file").asText());
        assertThat(segment).as("segment file to spoil").isRegularFile();
        spoiler.spoil(segment);
        return job;
    }

    private Map<UUID, Clip> submitGoodJobs() throws IOException {
        Map<UUID, Clip> good = new LinkedHashMap<>();
        for (int i = 0; i < GOOD_JOBS; i++) {
            Clip clip = Clip.of("good" + i, 180, 4);
            good.put(cluster.submit(clip), clip);
        }
        return good;
    }

    private void awaitAllFinished(UUID poisoned, Map<UUID, Clip> good, List<NodeProcess> nodes) {
        List<UUID> all = new ArrayList<>(good.keySet());
        all.add(poisoned);
        cluster.awaitFinished(all, FINISH_TIMEOUT, "a node exited", () -> nodes.stream().anyMatch(n -> !n.isAlive()));
    }

    private Record poisonedTask(UUID job) {
        return cluster.db().dsl().fetchOne("SELECT transcodeJobID, status, failures, attempt FROM transcodeJob WHERE fk_jobUUID = ? "
                + "AND segmentPart = ?", Uuids.bytes(job), POISONED_PART);
    }

    private List<TaskAudit.Event> history(Record task) {
        TaskAudit.TaskKey key = new TaskAudit.TaskKey("transcode", task.get("transcodeJobID", Long.class));
        return cluster.audit().events().stream().filter(e -> e.task().equals(key)).toList();
    }

    /** The job failed, its source is in quarantine with the uploaded bytes, its work folders are gone. */
    private void assertFailedAndQuarantined(JobView job, Clip clip) throws IOException {
        assertThat(job.status()).as("status of the poisoned job").isEqualTo(Status.FAILED);
        assertThat(job.failureReason()).as("failure reason").isNotBlank().doesNotContain("\tat ");
        Path quarantined = cluster.work().resolve("quarantine").resolve(Uuids.hex(job.uuid()) + "-" + clip.fileName());
        assertThat(quarantined).as("quarantined source").isRegularFile()
                .hasSameBinaryContentAs(cluster.dir().resolve("uploads").resolve(clip.fileName()));
        assertThat(cluster.work().resolve("source").resolve(clip.fileName())).as("source left in the source folder").doesNotExist();
        await("work folders of the failed job purged").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(cluster.work().resolve("ingest").resolve(Uuids.hex(job.uuid()))).doesNotExist();
            assertThat(cluster.work().resolve("transcode").resolve(Uuids.hex(job.uuid()))).doesNotExist();
        });
    }

    /**
     * Every good job is complete and correct, and some of their tasks completed between the poisoned segment's first
     * claim and its last change (while it was being retried). Returns how many.
     */
    private int assertGoodJobsServedMeanwhile(Map<UUID, Clip> good, List<TaskAudit.Event> poisonedHistory) throws IOException {
        for (Map.Entry<UUID, Clip> e : good.entrySet()) {
            cluster.outputs().assertDelivered(cluster.job(e.getKey()).orElseThrow(), e.getValue());
        }
        LocalDateTime from = poisonedHistory.stream().filter(TaskAudit.Event::isClaim).findFirst().orElseThrow().at();
        LocalDateTime to = poisonedHistory.get(poisonedHistory.size() - 1).at();
        int meanwhile = (int) cluster.audit().events().stream().filter(e -> good.containsKey(e.job()) && e.isCompletion()
                && e.at().isAfter(from) && e.at().isBefore(to)).count();
        assertThat(meanwhile).as("tasks of good jobs completed while the poisoned segment was retried (%s to %s)", from, to).isPositive();
        return meanwhile;
    }

    private static double span(List<TaskAudit.Event> history) {
        LocalDateTime first = history.stream().filter(TaskAudit.Event::isClaim).findFirst().orElseThrow().at();
        return TaskAudit.seconds(first, history.get(history.size() - 1).at());
    }
}
