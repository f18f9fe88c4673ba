package org.mpp.bench;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a node's resident size ({@code VmRSS}) every 100 ms on a daemon thread and keeps the highest value seen.
 * {@code VmHWM} gives the exact peak; the samples show that it was reached while work ran, not at start-up.
 * Thread-safe.
 */
final class RssSampler implements AutoCloseable {
    private final AtomicLong maxKiB = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-rss-sampler");
        t.setDaemon(true);
        return t;
    });

    RssSampler(BenchNode node) {
        timer.scheduleAtFixedRate(() -> {
            try {
                maxKiB.accumulateAndGet(node.statusKiB("VmRSS"), Math::max);
                samples.incrementAndGet();
            } catch (RuntimeException e) {
                // The node is exiting: nothing more to sample.
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    long maxKiB() {
        return maxKiB.get();
    }

    long samples() {
        return samples.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
