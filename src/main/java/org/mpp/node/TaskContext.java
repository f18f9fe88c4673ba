package org.mpp.node;

import java.util.concurrent.atomic.AtomicBoolean;
import org.mpp.media.Cancellation;
import org.mpp.media.Progress;
import org.mpp.store.Claim;
import org.mpp.store.TaskStore;

/**
 * One running task: its claim, its cancel flag, and its progress. The work only records its progress here; the node's
 * progress thread writes it to the database about once a second ({@link #flushProgress}), off the encoding path, and
 * cancels the work as soon as the claim turns out to be lost.
 */
final class TaskContext {
    final Claim claim;
    final Cancellation cancel = new Cancellation();
    final AtomicBoolean lost = new AtomicBoolean();
    final AtomicBoolean stopping = new AtomicBoolean();
    private final TaskStore tasks;
    private volatile double pending = -1;
    /** Touched by the progress thread only. */
    private double written = -1;

    TaskContext(Claim claim, TaskStore tasks) {
        this.claim = claim;
        this.tasks = tasks;
    }

    Progress progress() {
        return fraction -> pending = fraction;
    }

    /** Writes the latest progress if it moved; cancels the work when the claim is lost. One thread calls this. */
    void flushProgress() {
        double f = pending;
        if (f < 0 || f == written) {
            return;
        }
        written = f;
        try {
            if (!tasks.progress(claim, f)) {
                lost.set(true);
                cancel.cancel();
            }
        } catch (RuntimeException e) {
            // A database blip must not kill the encode; the lease and the completion write decide ownership.
        }
    }

    /** Stops the work because the node is stopping; the task will be released, not failed. */
    void stop() {
        stopping.set(true);
        cancel.cancel();
    }
}
