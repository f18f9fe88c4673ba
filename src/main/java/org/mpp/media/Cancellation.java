package org.mpp.media;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cancel flag that long media operations check between packets and frames. Thread-safe: any thread
 * may {@link #cancel()}; the operation notices within one frame, deletes what it was writing and throws
 * {@link CancelledException}.
 */
public final class Cancellation {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    /** Written by the working thread only; read by a watchdog. */
    private volatile long checks;

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

    /**
     * How many times the work looked at this flag (between packets and frames): a count that still moves shows the work is
     * going on even where it reports no progress fraction (a packet scan), and one that stops shows it is stuck.
     */
    public long checks() {
        return checks;
    }

    /** Throws {@link CancelledException} naming {@code operation} when cancelled; counts the look otherwise. */
    public void check(String operation) {
        checks = checks + 1; // One thread works on a token: no lost updates that matter.
        if (cancelled.get()) {
            throw new CancelledException(operation);
        }
    }
}
