package org.mpp.node;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A count that threads wait on to change. A waiter reads the count before it looks at what the signal announces, then
 * waits only while the count is still the one it read: a raise that comes between its look and its wait is not lost.
 * Thread-safe.
 */
final class Signal {
    private long count;

    /** How many times it was raised. */
    synchronized long count() {
        return count;
    }

    /** Counts one more change and ends every wait. */
    synchronized void raise() {
        count++;
        notifyAll();
    }

    /**
     * Waits up to {@code atMost} while the count is still {@code seen} and {@code over} is false.
     *
     * @return the count now
     */
    synchronized long await(long seen, Duration atMost, BooleanSupplier over) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        long left;
        while (count == seen && !over.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        return count;
    }
}
