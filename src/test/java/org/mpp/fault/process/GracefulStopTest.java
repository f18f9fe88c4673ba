package org.mpp.fault.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mpp.store.Status;
import org.mpp.store.Uuids;
import org.mpp.testnode.NodeProcess;

/**
 * Issue 4, scenario 5 (graceful stop): SIGTERM reaches a node in the middle of a transcode. The node must give the
 * segment back at once without counting a failure (the database's history shows a release, failures stays 0),
 * unregister (its row is gone), and exit with status 0; another node must pick the segment up, well before any lease
 * could have expired, and the job must come out correct.
 *
 * <p>Each round: a second transcoder starts, barred from claiming ({@code node.authorise = 0}); the first claims the one
 * segment of a new job; the second is authorised again and the first gets SIGTERM a tenth or more into its encode;
 * the second finishes the job and is the next round's victim.
 *
 * <p>Parameters ({@code -Dmpp.soak.NAME}; short default / long default with {@code -Dmpp.soak=true}): {@code rounds}
 * 1 / 5; {@code lease-seconds}, {@code heartbeat-seconds} 6, 1 / 30, 2; {@code clip-seconds} 12 / 12 (one 640x360
 * segment, two veryslow renditions, one encoder thread).
 * <pre>
 * mvn -Dmpp.build.dir=/tmp/proc-target test -Dtest=GracefulStopTest
 * mvn -Dmpp.build.dir=/tmp/proc-target test -Dtest=GracefulStopTest -Dmpp.soak=true -Dmpp.soak.rounds=5
 * </pre>
 */
class GracefulStopTest {
    private static final int ROUNDS = Soak.integer("rounds", 1, 5);
    private static final double CLIP_SECONDS = Soak.decimal("clip-seconds", 12, 12);
    private static final ProcessCluster.Roles TRANSCODER = new ProcessCluster.Roles(0, 1, 0);

    @RegisterExtension
    final ProcessCluster cluster = new ProcessCluster().timing(Soak.timing()).segmentSeconds(60).ladder(ProcessCluster.SLOW_LADDER)
            .nodeSetting("mpp.media.encoder-threads", 1);

    @Test
    void sigtermMidTranscodeReleasesTheSegmentWithoutAFailureUnregistersExitsZeroAndAnotherNodeFinishesIt() throws Exception {
        cluster.startOnSharedServer();
        NodeProcess front = cluster.startNode(new ProcessCluster.Roles(1, 0, 1));
        NodeProcess victim = cluster.startNode(TRANSCODER);
        List<Double> stopSeconds = new ArrayList<>();
        List<Double> pickUpSeconds = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            // The successor runs before the job exists but may claim nothing (authorise = 0) until the victim holds it.
            NodeProcess successor = cluster.startNode(TRANSCODER);
            assertThat(cluster.nodeStore().setAuthorised(successor.id().toString(), false)).isTrue();
            cluster.awaitPoliciesRead();
            Clip clip = Clip.of("g" + round, 360, CLIP_SECONDS);
            UUID job = cluster.submit(clip);
            NodeProcess current = victim;
            Record running = await("round " + round + ": " + current.name() + " is a tenth into the segment").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100)).failFast("a node exited", () -> !front.isAlive() || !current.isAlive())
                    .until(() -> segment(job), r -> r != null && r.get("status", Integer.class) == Status.RUNNING
                            && current.id().equals(node(r)) && r.get("progress", Double.class) >= 0.1);
            long taskId = running.get("transcodeJobID", Long.class);
            int attempt = running.get("attempt", Integer.class);
            assertThat(cluster.nodeStore().setAuthorised(successor.id().toString(), true)).isTrue();

            LocalDateTime termAt = cluster.audit().now();
            long sent = System.nanoTime();
            current.sigterm();
            int exit = current.awaitExit(Duration.ofSeconds(60));
            stopSeconds.add((System.nanoTime() - sent) / 1e9);
            assertThat(exit).as("round %d: exit status of %s after SIGTERM", round, current.name()).isZero();
            assertThat(cluster.nodeStore().list()).as("round %d: node rows after SIGTERM", round).noneMatch(n -> n.uuid().equals(current.id()));
            assertThat(current.log()).as("round %d: log of %s", round, current.name())
                    .containsPattern("Releasing transcode task " + taskId + " of job " + job + " \\(segment 0\\): the node is stopping")
                    .contains("Node " + current.id() + " stopped");

            cluster.awaitFinished(List.of(job), Duration.ofSeconds(180), "a node exited", () -> !front.isAlive() || !successor.isAlive());
            cluster.outputs().assertDelivered(cluster.job(job).orElseThrow(), clip);
            Record done = segment(job);
            assertThat(List.of(done.get("failures", Integer.class), done.get("attempt", Integer.class), node(done).toString()))
                    .as("round %d: failures, attempt and node of the finished segment", round).containsExactly(0, attempt + 1, successor.id().toString());
            TaskAudit.TaskKey key = new TaskAudit.TaskKey("transcode", taskId);
            List<TaskAudit.Event> history = cluster.audit().events().stream().filter(e -> e.task().equals(key)).toList();
            assertThat(history).as("round %d: history of the segment", round)
                    .filteredOn(e -> e.isRecovery() || e.isFailure()).isEmpty();
            TaskAudit.Event release = history.stream().filter(TaskAudit.Event::isRelease).findFirst()
                    .orElseThrow(() -> new AssertionError("no release of " + key + " in\n" + TaskAudit.describe(history)));
            assertThat(release.oldNode()).isEqualTo(current.id());
            TaskAudit.Event claim = TaskAudit.nextClaim(history, key, release.at()).orElseThrow();
            assertThat(claim.newNode()).isEqualTo(successor.id());
            double pickUp = TaskAudit.seconds(termAt, claim.at());
            pickUpSeconds.add(pickUp);
            assertThat(pickUp).as("round %d: seconds from SIGTERM to the next claim (lease %d s)", round, cluster.timing().lease().toSeconds())
                    .isLessThan(cluster.timing().lease().toMillis() / 1000.0);
            cluster.figure("round %d: SIGTERM at %.0f%% of the segment; %s released it %.2f s after SIGTERM, exited 0 after %.2f s; %s claimed it "
                            + "%.2f s after SIGTERM; failures 0", round, running.get("progress", Double.class) * 100, current.name(),
                    TaskAudit.seconds(termAt, release.at()), stopSeconds.get(round - 1), successor.name(), pickUp);
            victim = successor;
        }
        cluster.figure("Graceful stop %s mode: %d SIGTERM(s) mid-transcode, all exit 0 and unregistered, failures counted 0, "
                        + "SIGTERM->exit max %.2f s, SIGTERM->claimed by another node max %.2f s (lease %d s)", Soak.mode(), ROUNDS,
                stopSeconds.stream().mapToDouble(d -> d).max().orElseThrow(), pickUpSeconds.stream().mapToDouble(d -> d).max().orElseThrow(),
                cluster.timing().lease().toSeconds());
    }

    private Record segment(UUID job) {
        return cluster.db().dsl().fetchOne("SELECT transcodeJobID, status, attempt, failures, progress, fk_nodeUUID FROM transcodeJob "
                + "WHERE fk_jobUUID = ? AND segmentPart = 0", (Object) Uuids.bytes(job));
    }

    private static UUID node(Record r) {
        byte[] b = r.get("fk_nodeUUID", byte[].class);
        return b == null ? null : Uuids.uuid(b);
    }
}
