package org.mpp.fault.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mpp.store.JobView;
import org.mpp.store.Uuids;
import org.mpp.testnode.NodeProcess;

/**
 * Issue 4, scenario 2 (SIGKILL): node processes (each ingest = 1, transcode = 1, export = 1) on a fresh MariaDB
 * database and one shared work folder process real jobs while the harness kills a node with {@code kill -9} every
 * interval and starts a replacement at once. The victim is drawn at random among the live nodes that hold a running
 * task at that moment (killing an idle node would test nothing), sparing a node that holds a task an earlier kill
 * already interrupted: otherwise, once a single task is left, every claim of it is killed again (a kill falls due
 * every interval, a recovery takes a lease) and the run never ends. So each task fails at most once, the default
 * failureTolerance (3) applies, and a kill waits, past its interval, until some node is eligible.
 *
 * <p>Then: every job is complete and each of its renditions is correct (size, every source frame once and in order,
 * duration, AAC, clean decode); according to the database's own history ({@link TaskAudit}) no task was completed
 * twice, each segment the export joined is the one its completing attempt wrote (the row's attempt is the completing
 * claim's, and the segment was never completed again or sent back after the export claimed), every failure counted
 * is a lease recovery of a task the killed node held, and every task a killed node held was taken back. The time
 * from each kill to the recovery of each task the victim held, and to that task's next claim, is measured on the
 * database's clock; recovery must come within lease + 2 heartbeats (housekeeping runs every other heartbeat) + 2.5 s.
 * The next claim also waits for the retry backoff of a failure (2 s for the first) and for a free worker: it is
 * reported, not bounded.
 *
 * <p>Parameters ({@code -Dmpp.soak.NAME}; short default / long default with {@code -Dmpp.soak=true}):
 * <ul>
 * <li>{@code nodes} 3 / 3: node processes alive at any time;</li>
 * <li>{@code jobs} 3 / 10: jobs, submitted at the start;</li>
 * <li>{@code clip-seconds} 12 / 60: length of each 640x360 clip (2 s segments, two veryslow renditions);</li>
 * <li>{@code kill-interval} 4 / 20: seconds between kills (short: a faster machine finished 3 jobs of 10 s before the
 *     second kill of a 6 s interval fell due, and the run made one kill of the two it must);</li>
 * <li>{@code kills} 2 / 0: most kills (0 = no limit: kill until every job is finished);</li>
 * <li>{@code lease-seconds}, {@code heartbeat-seconds} 6, 1 / 30, 2 (reference.conf's defaults);</li>
 * <li>{@code minutes} 6 / 30: time limit for the whole run;</li>
 * <li>{@code seed}: the random seed (printed with the figures).</li>
 * </ul>
 * <pre>
 * mvn -Dmpp.build.dir=/tmp/proc-target test -Dtest=SigkillTest
 * mvn -Dmpp.build.dir=/tmp/proc-target test -Dtest=SigkillTest -Dmpp.soak=true -Dmpp.soak.jobs=10 -Dmpp.soak.kill-interval=20
 * </pre>
 */
class SigkillTest {
    private static final int NODES = Soak.integer("nodes", 3, 3);
    private static final int JOBS = Soak.integer("jobs", 3, 10);
    private static final double CLIP_SECONDS = Soak.decimal("clip-seconds", 12, 60);
    private static final Duration KILL_INTERVAL = Soak.seconds("kill-interval", 4, 20);
    private static final int MAX_KILLS = Soak.integer("kills", 2, 0);
    private static final Duration RUN_LIMIT = Duration.ofMinutes(Soak.integer("minutes", 6, 30));
    private static final long SEED = Long.getLong("mpp.soak.seed", System.nanoTime());

    @RegisterExtension
    final ProcessCluster cluster = new ProcessCluster().timing(Soak.timing()).segmentSeconds(2).ladder(ProcessCluster.SLOW_LADDER);

    /** One kill: who, when (database clock), and what it held at that moment. */
    record Kill(NodeProcess node, UUID id, LocalDateTime at, List<TaskAudit.TaskKey> held) {
    }

    @Test
    void jobsCompleteCorrectlyAndExactlyOnceWhileNodesAreKilledAndReplaced() throws Exception {
        cluster.startOnSharedServer();
        Map<Clip, Path> uploads = new LinkedHashMap<>();
        for (int i = 0; i < JOBS; i++) {
            Clip clip = Clip.of("k" + i, 360, CLIP_SECONDS);
            uploads.put(clip, cluster.upload(clip));
        }
        for (int i = 0; i < NODES; i++) {
            cluster.launch(ProcessCluster.Roles.ALL, Map.of());
        }
        cluster.nodes().forEach(n -> n.awaitRunning(ProcessCluster.START_TIMEOUT));

        Map<UUID, Clip> submitted = new LinkedHashMap<>();
        uploads.forEach((clip, file) -> submitted.put(cluster.submit(file), clip));
        long started = System.nanoTime();
        long deadline = started + RUN_LIMIT.toNanos();
        Random random = new Random(SEED);
        List<Kill> kills = new ArrayList<>();
        Set<String> killed = new HashSet<>();
        Set<TaskAudit.TaskKey> interrupted = new HashSet<>();
        long nextKill = started + KILL_INTERVAL.toNanos();
        while (!cluster.allFinished(submitted.keySet())) {
            boolean killsLeft = MAX_KILLS == 0 || kills.size() < MAX_KILLS;
            long due = nextKill;
            await("a kill falls due or every job finishes").atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("a node the harness did not kill has exited", () -> unexpectedExit(killed))
                    .until(() -> cluster.allFinished(submitted.keySet()) || killsLeft && System.nanoTime() >= due && !victims(interrupted).isEmpty());
            if (cluster.allFinished(submitted.keySet())) {
                break;
            }
            List<NodeProcess> candidates = victims(interrupted);
            if (candidates.isEmpty()) {
                continue; // Their tasks ended between the check and now.
            }
            NodeProcess victim = candidates.get(random.nextInt(candidates.size()));
            LocalDateTime at = cluster.audit().now();
            victim.sigkill();
            killed.add(victim.name());
            Kill kill = new Kill(victim, victim.id(), at, cluster.audit().runningOn(victim.id()));
            kills.add(kill);
            interrupted.addAll(kill.held());
            cluster.launch(ProcessCluster.Roles.ALL, Map.of());
            nextKill = System.nanoTime() + KILL_INTERVAL.toNanos();
        }
        double runSeconds = (System.nanoTime() - started) / 1e9;

        // Every job complete and correct.
        int leftovers = 0;
        for (Map.Entry<UUID, Clip> e : submitted.entrySet()) {
            JobView job = cluster.job(e.getKey()).orElseThrow();
            leftovers += cluster.outputs().assertDelivered(job, e.getValue());
        }
        assertThat(kills).as("kills made").hasSizeGreaterThanOrEqualTo(MAX_KILLS == 0 ? 1 : MAX_KILLS);

        // The database's history: exactly once, fenced, every failure explained by a kill.
        List<TaskAudit.Event> events = cluster.audit().events();
        Map<TaskAudit.TaskKey, List<TaskAudit.Event>> duplicates = TaskAudit.duplicateCompletions(events);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(duplicates).as("tasks completed more than once").isEmpty();
        soft.assertThat(events.stream().filter(TaskAudit.Event::isUndo).toList()).as("completed tasks sent back or deleted").isEmpty();
        soft.assertThat(events.stream().filter(TaskAudit.Event::isFailure).toList()).as("failures reported by nodes (only kills should fail tasks)").isEmpty();
        Set<UUID> killedIds = new HashSet<>(kills.stream().map(Kill::id).toList());
        soft.assertThat(events.stream().filter(TaskAudit.Event::isRecovery).filter(e -> !killedIds.contains(e.oldNode())).toList())
                .as("recoveries of tasks held by a node that was not killed").isEmpty();
        for (UUID job : submitted.keySet()) {
            assertCompletedOnceByTheirLastClaim(soft, job, events);
        }

        // Recovery of what each victim held.
        Duration lease = cluster.timing().lease();
        double bound = (lease.toMillis() + 2 * cluster.timing().heartbeat().toMillis() + 2500) / 1000.0;
        double maxRecovery = 0;
        double maxClaim = 0;
        int held = 0;
        for (Kill k : kills) {
            for (TaskAudit.TaskKey task : k.held()) {
                held++;
                var recovery = TaskAudit.nextRecovery(events, task, k.at());
                var claim = TaskAudit.nextClaim(events, task, k.at());
                soft.assertThat(recovery).as("%s held by %s, killed at %s: recovered", task, k.node().name(), k.at()).isPresent();
                soft.assertThat(claim).as("%s held by %s, killed at %s: claimed again", task, k.node().name(), k.at()).isPresent();
                if (recovery.isPresent()) {
                    double r = TaskAudit.seconds(k.at(), recovery.get().at());
                    maxRecovery = Math.max(maxRecovery, r);
                    soft.assertThat(r).as("seconds from the kill of %s to the recovery of %s", k.node().name(), task).isLessThanOrEqualTo(bound);
                }
                claim.ifPresent(c -> cluster.figure("kill of %s at %s: %s recovered after %.1f s, claimable (retry backoff) after %.1f s, "
                        + "claimed again after %.1f s", k.node().name(), k.at().toLocalTime(), task,
                        recovery.map(r -> TaskAudit.seconds(k.at(), r.at())).orElse(Double.NaN),
                        recovery.map(r -> TaskAudit.seconds(k.at(), r.availableAt())).orElse(Double.NaN), TaskAudit.seconds(k.at(), c.at())));
                if (claim.isPresent()) {
                    maxClaim = Math.max(maxClaim, TaskAudit.seconds(k.at(), claim.get().at()));
                }
            }
        }
        long completions = events.stream().filter(TaskAudit.Event::isCompletion).count();
        cluster.figure("SIGKILL %s mode, seed %d: %d nodes, %d jobs of %.0f s 640x360 (%d tasks completed), %d kills hitting %d running task(s); "
                        + "lease %d s, heartbeat %d s; kill->recovered max %.1f s (bound %.1f s), kill->next claim max %.1f s; "
                        + "duplicate completions %d; failures not caused by a kill %d; leftover export temp files %d; run %.0f s",
                Soak.mode(), SEED, NODES, JOBS, CLIP_SECONDS, completions, kills.size(), held, lease.toSeconds(),
                cluster.timing().heartbeat().toSeconds(), maxRecovery, bound, maxClaim, duplicates.size(),
                events.stream().filter(TaskAudit.Event::isFailure).count(), leftovers, runSeconds);
        soft.assertAll();
    }

    /**
     * Every task of the job was completed once, by the claim the row still shows (so the export, which reads each
     * segment's file by the row's attempt, joined the files of the completing attempt), and the export was claimed
     * only after the last segment's completion.
     */
    private static void assertCompletedOnceByTheirLastClaim(SoftAssertions soft, UUID job, List<TaskAudit.Event> events) {
        Map<TaskAudit.TaskKey, List<TaskAudit.Event>> completions = TaskAudit.completionsByTask(
                events.stream().filter(e -> e.job().equals(job)).toList());
        LocalDateTime lastSegment = null;
        for (Map.Entry<TaskAudit.TaskKey, List<TaskAudit.Event>> e : completions.entrySet()) {
            TaskAudit.Event done = e.getValue().get(e.getValue().size() - 1);
            List<TaskAudit.Event> claims = events.stream().filter(x -> x.task().equals(e.getKey()) && x.isClaim()).toList();
            TaskAudit.Event lastClaim = claims.get(claims.size() - 1);
            soft.assertThat(List.of(done.oldAttempt(), Objects.toString(done.oldNode())))
                    .as("%s of job %s: attempt and node of its completion = its last claim", e.getKey(), job)
                    .containsExactly(lastClaim.newAttempt(), Objects.toString(lastClaim.newNode()));
            if (e.getKey().stage().equals("transcode") && (lastSegment == null || done.at().isAfter(lastSegment))) {
                lastSegment = done.at();
            }
        }
        List<TaskAudit.Event> exportClaims = events.stream().filter(e -> e.job().equals(job) && e.task().stage().equals("export")
                && e.isClaim()).toList();
        soft.assertThat(exportClaims).as("export claims of job %s", job).isNotEmpty();
        if (lastSegment != null && !exportClaims.isEmpty()) {
            soft.assertThat(exportClaims.get(0).at()).as("first export claim of job %s is after its last segment", job).isAfterOrEqualTo(lastSegment);
        }
        soft.assertThat(completions.keySet().stream().filter(t -> t.stage().equals("export")).count())
                .as("export tasks of job %s completed", Uuids.hex(job)).isEqualTo(1);
        soft.assertThat(completions.keySet().stream().filter(t -> t.stage().equals("ingest")).count())
                .as("ingest tasks of job %s completed", Uuids.hex(job)).isEqualTo(1);
    }

    /** Live, started nodes that hold a running task now, none of which an earlier kill interrupted. */
    private List<NodeProcess> victims(Set<TaskAudit.TaskKey> interrupted) {
        List<UUID> busy = cluster.audit().busyNodes();
        return cluster.liveNodes().stream().filter(n -> n.runningAs().filter(busy::contains).isPresent())
                .filter(n -> cluster.audit().runningOn(n.id()).stream().noneMatch(interrupted::contains)).toList();
    }

    private boolean unexpectedExit(Set<String> killed) {
        return cluster.nodes().stream().anyMatch(n -> !n.isAlive() && !killed.contains(n.name()));
    }
}
