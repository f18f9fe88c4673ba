package org.mpp.media;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cancel flag that long media operations check between packets and frames. Thread-safe: any thread
 * may {@link #cancel()}; the operation notices within one frame, deletes what it was writing and throws
 * {@link CancelledException}.
 */
public final class Cancellation {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /** A token that is never cancelled, for callers that do not need to stop work. */
    public static Cancellation none() {
        return new Cancellation();
    }

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    void check(String operation) {
        if (cancelled.get()) {
            throw new CancelledException(operation);
        }
    }
}
