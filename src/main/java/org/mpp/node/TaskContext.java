package org.mpp.node;

import java.util.concurrent.atomic.AtomicBoolean;
import org.mpp.media.Cancellation;
import org.mpp.media.Progress;
import org.mpp.store.Claim;
import org.mpp.store.TaskStore;

/**
 * One running task: its claim, its cancel flag, and a progress sink that writes to the database at most once a
 * second and cancels the work as soon as the claim turns out to be lost.
 */
final class TaskContext {
    final Claim claim;
    final Cancellation cancel = new Cancellation();
    final AtomicBoolean lost = new AtomicBoolean();
    final AtomicBoolean stopping = new AtomicBoolean();
    private final TaskStore tasks;
    private long lastWrite;

    TaskContext(Claim claim, TaskStore tasks) {
        this.claim = claim;
        this.tasks = tasks;
    }

    Progress progress() {
        return fraction -> {
            long now = System.nanoTime();
            if (now - lastWrite < 1_000_000_000L && fraction < 1) {
                return;
            }
            lastWrite = now;
            try {
                if (!tasks.progress(claim, fraction)) {
                    lost.set(true);
                    cancel.cancel();
                }
            } catch (RuntimeException e) {
                // A database blip must not kill the encode; the lease and the completion write decide ownership.
            }
        };
    }

    /** Stops the work because the node is stopping; the task will be released, not failed. */
    void stop() {
        stopping.set(true);
        cancel.cancel();
    }
}
