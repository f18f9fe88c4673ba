package org.mpp.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.mpp.store.Claim;
import org.mpp.store.Database;
import org.mpp.store.Stage;
import org.mpp.store.Status;
import org.mpp.store.TaskStore;
import org.mpp.store.Uuids;

/**
 * What {@link ClaimBench}'s 32 claimers do and see: the claim-and-complete loop of a node's transcode worker, a node's
 * heartbeat, the records that reveal duplicates, and a watch for transactions that stay open too long. Thread-safe.
 */
final class ClaimDrain {
    /** An idle worker's pause before it looks again (short: only the tail of a run is idle). */
    private static final long IDLE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private final int tasks;
    private final Duration lease;
    private final AtomicInteger claimed = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    final LongAdder claims = new LongAdder();
    final LongAdder completions = new LongAdder();
    final LongAdder empty = new LongAdder();
    final AtomicLong lastClaim = new AtomicLong();
    final AtomicLong lastCompletion = new AtomicLong();
    private final Map<Long, Claim> holding = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> claimsOf = new ConcurrentHashMap<>();
    private final Map<Long, Queue<UUID>> completedBy = new ConcurrentHashMap<>();
    private final LongAdder heldTwice = new LongAdder();
    private final LongAdder wrongAttempt = new LongAdder();
    final Queue<String> errors = new ConcurrentLinkedQueue<>();
    final Queue<String> failedBeats = new ConcurrentLinkedQueue<>();
    private final Queue<String> longTransactions = new ConcurrentLinkedQueue<>();
    private final Queue<long[]> latencyBuffers = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean abort = new AtomicBoolean();

    ClaimDrain(int tasks, Duration lease) {
        this.tasks = tasks;
        this.lease = lease;
    }

    void start(long t0) {
        lastClaim.set(t0);
        lastCompletion.set(t0);
    }

    void work(TaskStore store, UUID node, CountDownLatch go) {
        long[] latency = new long[1024];
        int n = 0;
        try {
            go.await();
            while (completed.get() < tasks && !abort.get()) {
                long t0 = System.nanoTime();
                List<Claim> got = store.claim(Stage.TRANSCODE, node, 1, lease);
                long t1 = System.nanoTime();
                if (got.isEmpty()) {
                    empty.increment();
                    if (claimed.get() >= tasks) {
                        break;
                    }
                    LockSupport.parkNanos(IDLE_PAUSE_NANOS);
                    continue;
                }
                if (n == latency.length) {
                    latency = Arrays.copyOf(latency, n * 2);
                }
                latency[n++] = t1 - t0;
                claims.increment();
                claimed.incrementAndGet();
                lastClaim.accumulateAndGet(t1, Math::max);
                if (got.size() != 1) {
                    fail("asked for 1 task and got " + got.size());
                }
                Claim c = got.get(0);
                if (c.attempt() != 1) {
                    wrongAttempt.increment();
                }
                if (holding.putIfAbsent(c.taskId(), c) != null) {
                    heldTwice.increment();
                }
                claimsOf.computeIfAbsent(c.taskId(), k -> new AtomicInteger()).incrementAndGet();
                store.completeTranscode(c);
                holding.remove(c.taskId(), c);
                completedBy.computeIfAbsent(c.taskId(), k -> new ConcurrentLinkedQueue<>()).add(node);
                completions.increment();
                completed.incrementAndGet();
                lastCompletion.accumulateAndGet(System.nanoTime(), Math::max);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            fail(Thread.currentThread().getName() + ": " + t);
        } finally {
            latencyBuffers.add(Arrays.copyOf(latency, n));
        }
    }

    /** What a node's heartbeat does to tasks. A failed beat is counted and the next one tries again, as on a node. */
    void beat(TaskStore store, UUID node) {
        try {
            store.renewLeases(node, holding.values(), lease);
            List<TaskStore.Recovered> recovered = store.recoverExpired(3);
            if (!recovered.isEmpty()) {
                fail("heartbeat of " + node + " recovered expired tasks: " + recovered);
            }
        } catch (Throwable t) {
            failedBeats.add("heartbeat of " + node + ": " + t);
            System.err.println("[bench] claims failed heartbeat of " + node + ": " + t);
        }
    }

    private void fail(String what) {
        System.err.println("[bench] claims error: " + what);
        errors.add(what);
        abort.set(true);
    }

    long[] latencies() {
        return latencyBuffers.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    }

    /**
     * Notes every transaction that has been open for more than 5 s (what it runs, what it waits for): under a
     * claim's load no transaction should live that long, and one that does holds up every claim behind its locks.
     */
    void watchLongTransactions(Database admin) {
        try {
            var rows = admin.dsl().fetch("SELECT t.trx_mysql_thread_id, t.trx_state, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS age,"
                    + " t.trx_rows_locked, t.trx_query, p.COMMAND, p.TIME, p.STATE, w.blocking_trx_id"
                    + " FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
                    + " LEFT JOIN information_schema.INNODB_LOCK_WAITS w ON w.requesting_trx_id = t.trx_id"
                    + " WHERE t.trx_started < NOW() - INTERVAL 5 SECOND AND p.DB = DATABASE()");
            for (var r : rows) {
                String line = "long transaction: " + r.intoMap();
                if (longTransactions.size() < 50) {
                    longTransactions.add(line);
                    System.err.println("[bench] claims " + line);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("[bench] claims: long-transaction watch failed: " + e);
        }
    }

    /** Tasks claimed or completed more than once, or held by two claimers at once, from the workers' records. */
    long ownDuplicates() {
        long twice = claimsOf.values().stream().filter(a -> a.get() != 1).count();
        long completedTwice = completedBy.values().stream().filter(q -> q.size() != 1).count();
        return twice + completedTwice + heldTwice.sum() + wrongAttempt.sum();
    }

    /**
     * Tasks the database shows as not cleanly claimed once: not completed, attempt other than 1, a failure, or
     * completed under another node than the one that reported the completion.
     */
    long checkDatabase(Database db, int expected) {
        var rows = db.dsl().fetch("SELECT transcodeJobID, fk_nodeUUID, status, attempt, failures FROM transcodeJob");
        long bad = Math.abs(rows.size() - expected);
        for (var r : rows) {
            Queue<UUID> by = completedBy.get(r.get("transcodeJobID", Long.class));
            boolean clean = r.get("status", Integer.class) == Status.COMPLETED && r.get("attempt", Integer.class) == 1
                    && r.get("failures", Integer.class) == 0 && by != null && by.size() == 1
                    && by.peek().equals(Uuids.uuid(r.get("fk_nodeUUID", byte[].class)));
            if (!clean) {
                bad++;
            }
        }
        return bad;
    }
}
