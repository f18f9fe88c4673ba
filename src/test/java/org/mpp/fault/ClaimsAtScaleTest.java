package org.mpp.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mpp.store.Claim;
import org.mpp.store.Database;
import org.mpp.store.Stage;
import org.mpp.store.Status;
import org.mpp.store.SyntheticJobs;
import org.mpp.store.TaskStore;
import org.mpp.store.TestDatabases;
import org.mpp.store.Uuids;

/**
 * Issue 4, scenario 1 (claims at scale): {@value #DEFAULT_NODES} "nodes" (each its own connection pool,
 * {@link TaskStore} and node UUID, plus a heartbeat thread that renews leases and recovers expired tasks as a node
 * does) × {@value #DEFAULT_WORKERS} worker threads drain synthetic transcode tasks from a fresh MariaDB database. No
 * encoding: a worker claims one task (as a node's worker does), reports progress once and completes it; the last
 * segment of each job queues its export, which the workers drain too. The test proves that every task was completed
 * exactly once, by the node that holds it in the database, that none was lost, that no exception (a deadlock the
 * store did not retry, a lost claim, a double claim) reached a worker, and reports claims per second and the
 * deadlocks and lock-wait timeouts the store retried.
 *
 * <p>Short mode (CI): 2,000 tasks. Long mode:
 * <pre>
 * mvn -Dmpp.build.dir=/tmp/fault-target test -Dtest=ClaimsAtScaleTest -Dmpp.soak=true \
 *     [-Dmpp.soak.tasks=10000] [-Dmpp.soak.nodes=4] [-Dmpp.soak.workers=8] [-Dmpp.soak.segments-per-job=10]
 * </pre>
 * Needs the MariaDB server of {@code MPP_TEST_DB_URL} (default 127.0.0.1:3306, root); skipped when it is unreachable,
 * except with {@code CI=true} or {@code -Dmpp.test.require-mariadb=true}, where it fails.
 */
class ClaimsAtScaleTest {
    private static final int DEFAULT_NODES = 4;
    private static final int DEFAULT_WORKERS = 8;
    private static final boolean SOAK = Boolean.getBoolean("mpp.soak");
    private static final int TASKS = Integer.getInteger("mpp.soak.tasks", SOAK ? 10_000 : 2_000);
    private static final int NODES = Integer.getInteger("mpp.soak.nodes", DEFAULT_NODES);
    private static final int WORKERS = Integer.getInteger("mpp.soak.workers", DEFAULT_WORKERS);
    private static final int SEGMENTS_PER_JOB = Integer.getInteger("mpp.soak.segments-per-job", 10);
    /** A node's default lease and heartbeat (reference.conf). */
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** An idle worker's pause before it looks again, as a node's poll-millis (short: the tail of the run is idle). */
    private static final long IDLE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int MAX_ERRORS = 50;

    private TestDatabases.Fresh fresh;
    private final List<Database> pools = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();

    /** Everything the workers saw, for the assertions. */
    private final Map<Long, Queue<UUID>> transcodedBy = new ConcurrentHashMap<>();
    private final Map<Long, Queue<UUID>> exportedBy = new ConcurrentHashMap<>();
    private final Map<UUID, AtomicInteger> lastSegmentReports = new ConcurrentHashMap<>();
    private final Queue<String> errors = new ConcurrentLinkedQueue<>();
    /** The claims the workers hold now, as a node's running tasks: what a heartbeat renews. */
    private final Map<Long, Claim> held = new ConcurrentHashMap<>();
    private final AtomicLong claimCalls = new AtomicLong();
    private final AtomicLong emptyClaims = new AtomicLong();
    private final AtomicInteger exportsDone = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();

    @AfterEach
    void tearDown() throws InterruptedException {
        stop.set(true);
        for (ExecutorService e : executors) {
            e.shutdownNow();
        }
        for (ExecutorService e : executors) {
            e.awaitTermination(30, TimeUnit.SECONDS);
        }
        pools.forEach(Database::close);
        if (fresh != null) {
            fresh.close();
        }
    }

    @Test
    void everySyntheticTaskIsCompletedExactlyOnceByFourNodesOfEightWorkers() throws Exception {
        fresh = TestDatabases.mariaDb();
        Database admin = fresh.open();
        int jobs = (TASKS + SEGMENTS_PER_JOB - 1) / SEGMENTS_PER_JOB;
        Map<UUID, Integer> segmentsOf = SyntheticJobs.insertTranscoding(admin, TASKS, SEGMENTS_PER_JOB);
        List<UUID> nodes = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            nodes.add(UUID.randomUUID());
        }

        RetryCounter retries = RetryCounter.listen();
        long started = System.nanoTime();
        try {
            for (int n = 0; n < NODES; n++) {
                startNode(n, nodes.get(n), jobs);
            }
            Duration patience = Duration.ofSeconds(Math.max(120, TASKS / 20));
            await().atMost(patience).pollInterval(Duration.ofMillis(100))
                    .until(() -> exportsDone.get() >= jobs || errors.size() >= MAX_ERRORS);
        } finally {
            stop.set(true);
            retries.close();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        for (ExecutorService e : executors) {
            e.shutdown();
        }
        for (ExecutorService e : executors) {
            assertThat(e.awaitTermination(30, TimeUnit.SECONDS)).as("workers stop").isTrue();
        }

        long claims = count(transcodedBy.values()) + count(exportedBy.values());
        System.out.printf(java.util.Locale.ROOT, "ClaimsAtScale: %d transcode + %d export tasks, %d nodes x %d workers, %.1f s,"
                        + " %.0f claims/s (%d claim calls, %d empty); transactions retried by the store: %d %s%n",
                transcodedBy.size(), exportedBy.size(), NODES, WORKERS, seconds, claims / seconds, claimCalls.get(),
                emptyClaims.get(), retries.total(), retries.byKind());

        assertThat(errors).as("exceptions that reached a worker (an unretried deadlock, a lost or double claim)").isEmpty();
        assertExactlyOnce(transcodedBy, TASKS, "transcode");
        assertExactlyOnce(exportedBy, jobs, "export");
        assertThat(lastSegmentReports).as("one 'last segment' per job").hasSize(jobs)
                .allSatisfy((job, n) -> assertThat(n.get()).as("last-segment reports of job %s", job).isEqualTo(1));
        assertDatabaseAgrees(admin, segmentsOf);
    }

    private void startNode(int index, UUID node, int jobs) {
        Database db = fresh.openAnother(8);
        pools.add(db);
        TaskStore tasks = new TaskStore(db);
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(named("fault-node" + index + "-heartbeat"));
        executors.add(heartbeat);
        heartbeat.scheduleWithFixedDelay(() -> beat(tasks, node), HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS, named("fault-node" + index + "-worker"));
        executors.add(workers);
        for (int w = 0; w < WORKERS; w++) {
            workers.execute(() -> work(tasks, node, jobs));
        }
    }

    /** What a node's heartbeat does to tasks: extend its leases, take back expired ones (there should be none). */
    private void beat(TaskStore tasks, UUID node) {
        try {
            tasks.renewLeases(node, held.values(), LEASE);
            List<TaskStore.Recovered> recovered = tasks.recoverExpired(3);
            if (!recovered.isEmpty()) {
                errors.add("Heartbeat of " + node + " recovered tasks whose lease expired: " + recovered);
            }
        } catch (Throwable t) {
            errors.add("Heartbeat of " + node + ": " + describe(t));
        }
    }

    private void work(TaskStore tasks, UUID node, int jobs) {
        while (!stop.get() && exportsDone.get() < jobs && errors.size() < MAX_ERRORS) {
            Claim c = null;
            try {
                c = claimOne(tasks, node);
                if (c == null) {
                    LockSupport.parkNanos(IDLE_PAUSE_NANOS);
                    continue;
                }
                if (c.attempt() != 1) {
                    errors.add(c + " was handed out a second time (attempt " + c.attempt() + ")");
                }
                held.put(c.taskId(), c);
                if (!tasks.progress(c, 0.5)) {
                    errors.add(c + " was lost before it completed");
                    continue;
                }
                if (c.stage() == Stage.TRANSCODE) {
                    boolean last = tasks.completeTranscode(c);
                    transcodedBy.computeIfAbsent(c.taskId(), k -> new ConcurrentLinkedQueue<>()).add(node);
                    if (last) {
                        lastSegmentReports.computeIfAbsent(c.job(), k -> new AtomicInteger()).incrementAndGet();
                    }
                } else {
                    tasks.completeExport(c, "/dev/null/" + c.job() + ".mp4");
                    exportedBy.computeIfAbsent(c.taskId(), k -> new ConcurrentLinkedQueue<>()).add(node);
                    exportsDone.incrementAndGet();
                }
            } catch (Throwable t) {
                errors.add((c == null ? "claim" : c.toString()) + " on " + Thread.currentThread().getName() + ": " + describe(t));
            } finally {
                if (c != null) {
                    held.remove(c.taskId(), c);
                }
            }
        }
    }

    /** One task for one free worker, transcode first (as a node's transcode and export workers would between them). */
    private Claim claimOne(TaskStore tasks, UUID node) {
        for (Stage stage : new Stage[] {Stage.TRANSCODE, Stage.EXPORT}) {
            claimCalls.incrementAndGet();
            List<Claim> claims = tasks.claim(stage, node, 1, LEASE);
            if (claims.size() > 1) {
                errors.add("Asked for 1 " + stage + " task and got " + claims.size());
            }
            if (!claims.isEmpty()) {
                return claims.get(0);
            }
            emptyClaims.incrementAndGet();
        }
        return null;
    }

    private static String describe(Throwable t) {
        String kind = t instanceof DataAccessException ? "DataAccessException escaped the store: " : "";
        return kind + t;
    }

    private static void assertExactlyOnce(Map<Long, Queue<UUID>> completedBy, int expected, String stage) {
        assertThat(completedBy).as("%s tasks completed", stage).hasSize(expected);
        List<String> twice = completedBy.entrySet().stream().filter(e -> e.getValue().size() != 1)
                .map(e -> e.getKey() + " by " + e.getValue()).toList();
        assertThat(twice).as("%s tasks completed more than once", stage).isEmpty();
    }

    private void assertDatabaseAgrees(Database db, Map<UUID, Integer> segmentsOf) {
        var dsl = db.dsl();
        var rows = dsl.fetch("SELECT transcodeJobID, fk_nodeUUID, status, attempt, failures, leaseUntil FROM transcodeJob");
        assertThat(rows).hasSize(TASKS);
        for (var r : rows) {
            long id = r.get("transcodeJobID", Long.class);
            String what = "transcodeJob " + id;
            assertThat(r.get("status", Integer.class)).as(what + " status").isEqualTo(Status.COMPLETED);
            assertThat(r.get("attempt", Integer.class)).as(what + " attempt").isEqualTo(1);
            assertThat(r.get("failures", Integer.class)).as(what + " failures").isZero();
            assertThat(r.get("leaseUntil")).as(what + " lease").isNull();
            assertThat(Uuids.uuid(r.get("fk_nodeUUID", byte[].class))).as(what + " completed by")
                    .isEqualTo(transcodedBy.get(id).peek());
        }
        var exports = dsl.fetch("SELECT exportJobID, fk_jobUUID, fk_nodeUUID, status, attempt, failures FROM exportJob");
        assertThat(exports).hasSize(segmentsOf.size()).allSatisfy(r -> {
            assertThat(r.get("status", Integer.class)).isEqualTo(Status.COMPLETED);
            assertThat(r.get("attempt", Integer.class)).isEqualTo(1);
            assertThat(r.get("failures", Integer.class)).isZero();
            assertThat(Uuids.uuid(r.get("fk_nodeUUID", byte[].class))).isEqualTo(exportedBy.get(r.get("exportJobID", Long.class)).peek());
        });
        var jobs = dsl.fetch("SELECT jobUUID, status, completed, failed, progress FROM job");
        assertThat(jobs).hasSize(segmentsOf.size()).allSatisfy(r -> {
            assertThat(r.get("status", Integer.class)).isEqualTo(Status.COMPLETE);
            assertThat(r.get("completed", Boolean.class)).isTrue();
            assertThat(r.get("failed", Boolean.class)).isFalse();
            assertThat(r.get("progress", Double.class)).isEqualTo(1.0);
        });
        assertThat(jobs.stream().map(r -> Uuids.uuid(r.get("jobUUID", byte[].class))).toList())
                .containsExactlyInAnyOrderElementsOf(segmentsOf.keySet());
    }

    private static long count(Collection<Queue<UUID>> completions) {
        return completions.stream().mapToLong(Queue::size).sum();
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
