package org.mpp.fault.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mpp.store.JobView;
import org.mpp.testnode.NodeProcess;

/**
 * Issue 4, scenario 4 (database outage): the harness runs its own MariaDB server ({@link PrivateMariaDb}: own data
 * directory, port, socket and pid file; the shared server is never touched). Two node processes (ingest = 1,
 * transcode = 1) work on real jobs; once the first segment is done, the harness kills {@code mariadbd} (SIGKILL) for
 * the outage's length and starts it again on the same data directory, which makes InnoDB recover as after a crash.
 * During the outage a third node (the only exporter) is started: it must say that it cannot reach the database and
 * keep trying ({@code mpp.db.startup-wait-seconds}, 120 s by default), then start once the database is back.
 *
 * <p>Then: no node exited at any time; the two working nodes logged the outage; the third one logged that it could not
 * reach the database, then started and exported every job; every job is complete and correct; the database's history
 * ({@link TaskAudit}) shows no task completed twice. Reported: the outage's length, how long the server took to come
 * back, how soon work resumed, and how many failures the outage cost (tasks failed by their node or recovered after
 * their lease ran out during the outage).
 *
 * <p>Parameters ({@code -Dmpp.soak.NAME}; short default / long default with {@code -Dmpp.soak=true}):
 * {@code outage-seconds} 35 / 45 (longer than the lease and than the nodeTimeout policy, 30 s); {@code outages} 1 / 2 (each after the next task completion once both working nodes
 * have reconnected); {@code jobs} 3 / 8; {@code clip-seconds} 10 / 20 (640x360, 2 s segments, two veryslow renditions);
 * {@code lease-seconds}, {@code heartbeat-seconds} 6, 1 / 30, 2; {@code minutes} 6 / 20 (time limit).
 * <pre>
 * mvn -Dmpp.build.dir=/tmp/proc-target test -Dtest=DatabaseOutageTest
 * mvn -Dmpp.build.dir=/tmp/proc-target test -Dtest=DatabaseOutageTest -Dmpp.soak=true -Dmpp.soak.outage-seconds=60
 * </pre>
 */
class DatabaseOutageTest {
    private static final Duration OUTAGE = Soak.seconds("outage-seconds", 35, 45);
    private static final int OUTAGES = Soak.integer("outages", 1, 2);
    private static final int JOBS = Soak.integer("jobs", 3, 8);
    private static final double CLIP_SECONDS = Soak.decimal("clip-seconds", 10, 20);
    private static final Duration RUN_LIMIT = Duration.ofMinutes(Soak.integer("minutes", 6, 20));
    private static final ProcessCluster.Roles WORKER = new ProcessCluster.Roles(1, 1, 0);
    private static final ProcessCluster.Roles EXPORTER = new ProcessCluster.Roles(0, 0, 1);

    @RegisterExtension
    final ProcessCluster cluster = new ProcessCluster().timing(Soak.timing()).segmentSeconds(2).ladder(ProcessCluster.SLOW_LADDER);

    @Test
    void nodesRideOutADatabaseCrashAndANodeStartedDuringItWaitsForTheDatabaseThenEveryJobCompletes() throws Exception {
        cluster.startOnPrivateServer();
        PrivateMariaDb server = cluster.privateServer();
        NodeProcess a = cluster.launch(WORKER, Map.of());
        NodeProcess b = cluster.launch(WORKER, Map.of());
        a.awaitRunning(ProcessCluster.START_TIMEOUT);
        b.awaitRunning(ProcessCluster.START_TIMEOUT);
        Map<UUID, Clip> submitted = new LinkedHashMap<>();
        for (int i = 0; i < JOBS; i++) {
            Clip clip = Clip.of("o" + i, 360, CLIP_SECONDS);
            submitted.put(cluster.submit(clip), clip);
        }

        NodeProcess exporter = null;
        List<String> outages = new ArrayList<>();
        LocalDateTime firstCrash = null;
        for (int outage = 1; outage <= OUTAGES; outage++) {
            long completedBefore = completions();
            // Mid-run: after a completion that follows the start (or the previous outage's recovery).
            await("a segment completes before outage " + outage).atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().failFast("a node exited", () -> cluster.nodes().stream().anyMatch(n -> !n.isAlive()))
                    .until(() -> completions() > completedBefore && !cluster.allFinished(submitted.keySet()));
            int running = cluster.audit().busyNodes().size();
            LocalDateTime crashAt = cluster.audit().now();
            firstCrash = firstCrash == null ? crashAt : firstCrash;
            long down = System.nanoTime();
            server.crash();
            if (exporter == null) {
                // It must outwait the outage (mpp.db.startup-wait-seconds, 120 s by default).
                exporter = cluster.launch(EXPORTER, Map.of("mpp.db.startup-wait-seconds", Math.max(120, OUTAGE.toSeconds() + 60)));
            }
            NodeProcess late = exporter;
            await("every node stays up for the " + OUTAGE.toSeconds() + " s outage").during(OUTAGE).atMost(OUTAGE.plusSeconds(10))
                    .pollInterval(Duration.ofMillis(500)).until(() -> cluster.nodes().stream().allMatch(NodeProcess::isAlive));
            if (outage == 1) {
                late.awaitLog("Cannot reach the database \\S+ yet \\(attempt \\d+\\)", Duration.ofSeconds(30));
                assertThat(late.runningAs()).as("the late node has not started without a database").isEmpty();
            }
            long restart = System.nanoTime();
            server.start();
            double outageSeconds = (System.nanoTime() - down) / 1e9;
            double restartSeconds = (System.nanoTime() - restart) / 1e9;
            LocalDateTime backAt = cluster.audit().now();
            long claimsBefore = claimsSince(backAt);
            await("work resumes after outage " + outage).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> claimsSince(backAt) > claimsBefore || cluster.allFinished(submitted.keySet()));
            double resumeSeconds = TaskAudit.seconds(backAt, cluster.audit().now());
            // The next outage (if any) comes only once every node that was working has reconnected.
            await("the working nodes heartbeat again after outage " + outage).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().failFast("a node exited", () -> cluster.nodes().stream().anyMatch(n -> !n.isAlive()))
                    .until(() -> cluster.nodeStore().list().stream().filter(n -> n.uuid().equals(a.id()) || n.uuid().equals(b.id()))
                            .filter(n -> n.lastAccess().isAfter(backAt)).count() == 2);
            double reconnectSeconds = TaskAudit.seconds(backAt, cluster.audit().now());
            outages.add(String.format(java.util.Locale.ROOT, "outage %d: %.1f s down (%d node(s) holding tasks at the crash), "
                    + "server answered %.1f s after restart; first claim within %.1f s of it, both working nodes heartbeating again "
                    + "within %.1f s", outage, outageSeconds, running, restartSeconds, resumeSeconds, reconnectSeconds));
        }
        NodeProcess late = exporter;
        cluster.awaitFinished(submitted.keySet(), RUN_LIMIT, "a node exited", () -> cluster.nodes().stream().anyMatch(n -> !n.isAlive()));
        UUID lateId = late.awaitRunning(Duration.ofSeconds(30));

        SoftAssertions soft = new SoftAssertions();
        for (NodeProcess n : cluster.nodes()) {
            soft.assertThat(n.isAlive()).as("%s runs", n.name()).isTrue();
        }
        for (NodeProcess n : List.of(a, b)) {
            soft.assertThat(n.log()).as("log of %s", n.name()).containsPattern("Heartbeat of node " + n.id() + " failed");
        }
        for (Map.Entry<UUID, Clip> e : submitted.entrySet()) {
            JobView job = cluster.job(e.getKey()).orElseThrow();
            cluster.outputs().assertDelivered(job, e.getValue());
        }
        List<TaskAudit.Event> events = cluster.audit().events();
        soft.assertThat(TaskAudit.duplicateCompletions(events)).as("tasks completed more than once").isEmpty();
        soft.assertThat(events.stream().filter(e -> e.isCompletion() && e.task().stage().equals("export")))
                .as("exports, all by the node started during the outage").hasSize(JOBS).allSatisfy(e -> assertThat(e.oldNode()).isEqualTo(lateId));
        LocalDateTime crash = firstCrash;
        long failures = events.stream().filter(e -> e.isFailure() && e.at().isAfter(crash)).count();
        long recoveries = events.stream().filter(e -> e.isRecovery() && e.at().isAfter(crash)).count();
        int warnings = countMatches(a.log(), "WARN") + countMatches(b.log(), "WARN");
        String lateFirst = firstMatch(late.log(), "Cannot reach the database .*");
        for (String o : outages) {
            cluster.figure("%s", o);
        }
        cluster.figure("Database outage %s mode: %d job(s) of %.0f s 640x360, %d outage(s) of %d s (SIGKILL of mariadbd, restart on the same "
                        + "data directory), lease %d s: all jobs complete and correct, no node exited, duplicate completions %d; failures the "
                        + "outages cost: %d failed by their node + %d recovered after their lease; WARN lines of the two working nodes %d; "
                        + "node started during the outage logged \"%s\" and started after the database came back",
                Soak.mode(), JOBS, CLIP_SECONDS, OUTAGES, OUTAGE.toSeconds(), cluster.timing().lease().toSeconds(),
                TaskAudit.duplicateCompletions(events).size(), failures, recoveries, warnings, lateFirst);
        soft.assertAll();
    }

    private long completions() {
        return cluster.db().dsl().fetchCount(cluster.db().dsl().selectFrom("fault_audit").where("newStatus = 2 AND oldStatus <> 2"));
    }

    private long claimsSince(LocalDateTime t) {
        return cluster.db().dsl().fetchCount(cluster.db().dsl().selectFrom("fault_audit").where("newAttempt > oldAttempt AND at > ?", t));
    }

    private static int countMatches(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String firstMatch(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group() : "(nothing)";
    }
}
