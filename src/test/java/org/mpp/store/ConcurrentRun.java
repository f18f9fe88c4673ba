package org.mpp.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Worker threads that behave like nodes: each claims a few transcode tasks at a time (or an export when no segment
 * is ready), reports progress and completes them, recording who completed what, so that a test can prove every
 * task was done exactly once.
 */
final class ConcurrentRun {
    private static final Duration LEASE = Duration.ofMinutes(5);

    private final TaskStore tasks;
    private final int segments;
    private final int exports;
    private final AtomicInteger exported = new AtomicInteger();
    /** Task id to the node that completed it. */
    final Map<Long, UUID> transcodedBy = new ConcurrentHashMap<>();
    final Map<Long, UUID> exportedBy = new ConcurrentHashMap<>();
    /** Job to how many completions reported being its last segment. */
    final Map<UUID, Integer> lastSegments = new ConcurrentHashMap<>();
    final Queue<String> doubleClaims = new ConcurrentLinkedQueue<>();
    final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    /** The claims the nodes hold now: what their renewals extend. */
    private final Map<Long, Claim> held = new ConcurrentHashMap<>();

    ConcurrentRun(TaskStore tasks, int segments, int exports) {
        this.tasks = tasks;
        this.segments = segments;
        this.exports = exports;
    }

    /** Runs {@code threads} nodes until every export is complete or {@code patience} is over. */
    void go(int threads, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        List<Thread> nodes = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            UUID node = UUID.randomUUID();
            Thread t = new Thread(() -> work(node, deadline), "test-node-" + i);
            t.setDaemon(true);
            nodes.add(t);
        }
        nodes.forEach(Thread::start);
        for (Thread t : nodes) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000 + 5_000));
        }
        if (exported.get() < exports) {
            errors.add(new AssertionError("Only " + transcodedBy.size() + " of " + segments + " segments and " + exported.get()
                    + " of " + exports + " exports were completed in " + patience));
        }
    }

    long nodesThatWorked() {
        return transcodedBy.values().stream().distinct().count();
    }

    private void work(UUID node, long deadline) {
        while (exported.get() < exports && System.nanoTime() < deadline) {
            try {
                List<Claim> claims = tasks.claim(Stage.TRANSCODE, node, 1 + ThreadLocalRandom.current().nextInt(4), LEASE);
                if (claims.isEmpty()) {
                    claims = tasks.claim(Stage.EXPORT, node, 1, LEASE);
                }
                if (claims.isEmpty()) {
                    Thread.yield();
                    continue;
                }
                claims.forEach(c -> held.put(c.taskId(), c));
                if (ThreadLocalRandom.current().nextInt(10) == 0) {
                    tasks.renewLeases(node, held.values(), LEASE);
                }
                for (Claim c : claims) {
                    if (c.attempt() != 1) {
                        doubleClaims.add(c + " was handed out again");
                    }
                    if (c.stage() == Stage.TRANSCODE) {
                        if (!tasks.progress(c, 0.5)) {
                            doubleClaims.add(c + " was lost before it completed");
                        }
                        if (tasks.completeTranscode(c)) {
                            lastSegments.merge(c.job(), 1, Integer::sum);
                        }
                        record(transcodedBy, c);
                    } else {
                        tasks.completeExport(c, "out.mp4");
                        record(exportedBy, c);
                        exported.incrementAndGet();
                    }
                    held.remove(c.taskId(), c);
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        }
    }

    private void record(Map<Long, UUID> by, Claim c) {
        UUID before = by.putIfAbsent(c.taskId(), c.node());
        if (before != null) {
            doubleClaims.add(c + " was completed by " + before + " and again by " + c.node());
        }
    }
}
