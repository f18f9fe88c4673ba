package org.mpp.node;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.mpp.media.Cancellation;
import org.mpp.media.Progress;
import org.mpp.store.Claim;
import org.mpp.store.TaskStore;

/**
 * One running task: its claim, its cancel flag, and its progress. The work only records its progress here; the node's
 * progress thread writes it to the database about once a second ({@link #flushProgress}), off the encoding path, and
 * cancels the work as soon as the claim turns out to be lost.
 *
 * <p>The same thread is the task's watchdog: work that reports no progress (no higher fraction, and no look at its cancel
 * flag between packets) for {@code stall} is cancelled and marked
 * {@link #stalled}, so that it counts as a failure; work that does not stop within another {@code stall} (stuck inside
 * FFmpeg, where no cancel flag is read) is abandoned: {@link #onAbandon} records the failure in its place, so the task and
 * its lease go back to the cluster even though this worker thread never returns.
 */
final class TaskContext {
    final Claim claim;
    final Cancellation cancel = new Cancellation();
    final AtomicBoolean lost = new AtomicBoolean();
    final AtomicBoolean stopping = new AtomicBoolean();
    /** Set by the watchdog when it cancelled the work for making no progress. */
    final AtomicBoolean stalled = new AtomicBoolean();
    private final TaskStore tasks;
    private final Duration stall;
    private final LongSupplier nanoTime;
    private volatile double pending = -1;
    /** Monotonic time of the last progress, or of the start of the work. */
    private volatile long lastProgress;
    /** True while the stage runs: the watchdog leaves the bookkeeping before and after it alone. */
    private volatile boolean working;
    private volatile Runnable onAbandon = () -> { };
    private final AtomicBoolean abandoned = new AtomicBoolean();
    /** Touched by the progress thread only. */
    private double written = -1;
    private long cancelledAt;
    private long lastChecks;

    /**
     * @param stall how long the work may go without progress ({@code mpp.node.task-stall-seconds})
     * @param nanoTime a monotonic clock (System::nanoTime; tests set the time instead of sleeping)
     */
    TaskContext(Claim claim, TaskStore tasks, Duration stall, LongSupplier nanoTime) {
        this.claim = claim;
        this.tasks = tasks;
        this.stall = stall;
        this.nanoTime = nanoTime;
        this.lastProgress = nanoTime.getAsLong();
    }

    Progress progress() {
        return fraction -> {
            if (fraction > pending) {
                lastProgress = nanoTime.getAsLong();
            }
            pending = fraction;
        };
    }

    /** The stage starts: the watchdog times it from now, and calls {@code abandon} if it must give up on it. */
    void working(Runnable abandon) {
        this.onAbandon = abandon;
        this.lastProgress = nanoTime.getAsLong();
        this.working = true;
    }

    /** The stage returned (or threw): what follows is bookkeeping, not watched. */
    void done() {
        working = false;
    }

    /** True once the watchdog gave up on the work and recorded its failure itself. */
    boolean abandoned() {
        return abandoned.get();
    }

    /** The failure reason of a stalled task. */
    String stallReason() {
        return "no progress for " + stall.toSeconds() + " s (mpp.node.task-stall-seconds): the task was cancelled";
    }

    /**
     * Writes the latest progress if it moved; cancels the work when the claim is lost or the work stalled. One thread
     * calls this.
     *
     * @return whether it wrote the task's progress
     */
    boolean flushProgress() {
        watch();
        double f = pending;
        if (f < 0 || f == written) {
            return false;
        }
        written = f;
        try {
            if (tasks.progress(claim, f)) {
                return true;
            }
            lost.set(true);
            cancel.cancel();
        } catch (RuntimeException e) {
            // A database blip must not kill the encode; the lease and the completion write decide ownership.
        }
        return false;
    }

    private void watch() {
        if (!working || lost.get() || stopping.get()) {
            return;
        }
        long now = nanoTime.getAsLong();
        long checks = cancel.checks();
        if (checks != lastChecks) {
            // The work keeps reading packets (a scan reports no fraction): that is progress too.
            lastChecks = checks;
            lastProgress = now;
        }
        if (!stalled.get()) {
            if (now - lastProgress >= stall.toNanos()) {
                stalled.set(true);
                cancelledAt = now;
                cancel.cancel();
            }
        } else if (now - cancelledAt >= stall.toNanos() && abandoned.compareAndSet(false, true)) {
            // The work ignored the cancel for a whole period: it is stuck where no flag is read. Its thread is lost to the
            // node, but the task must not be: record the failure now, and let the fenced completion drop the work if it
            // ever wakes up.
            lost.set(true);
            onAbandon.run();
        }
    }

    /** Stops the work because the node is stopping; the task will be released, not failed. */
    void stop() {
        stopping.set(true);
        cancel.cancel();
    }
}
