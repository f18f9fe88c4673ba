package org.mpp.fault;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Counts the transactions the store retried after a deadlock or a lock-wait timeout, by listening to the store's
 * own DEBUG line ("Transaction retried after ...", logger {@code org.mpp.store.Sql}) for as long as it is open.
 * The store offers no counter of its own, so its log is the only place where retried deadlocks are visible.
 * Closing it puts the logger's level back. Thread-safe.
 */
public final class RetryCounter extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("org.mpp.store.Sql");
    private final Level before = logger.getLevel();
    private final boolean additiveBefore = logger.isAdditive();
    private final AtomicLong total = new AtomicLong();
    private final Map<String, Long> byKind = new ConcurrentHashMap<>();

    private RetryCounter() {
    }

    /** Starts counting. */
    public static RetryCounter listen() {
        RetryCounter c = new RetryCounter();
        c.setContext(c.logger.getLoggerContext());
        c.setName("fault-retry-counter");
        c.attach();
        return c;
    }

    private void attach() {
        start();
        logger.addAppender(this);
        logger.setLevel(Level.DEBUG);
        // The DEBUG lines are for counting only; the console keeps the level the configuration gave it.
        logger.setAdditive(false);
    }

    @Override
    protected void append(ILoggingEvent e) {
        String msg = e.getFormattedMessage();
        if (e.getLevel() == Level.DEBUG && msg.startsWith("Transaction retried after")) {
            total.incrementAndGet();
            String lower = msg.toLowerCase(Locale.ROOT);
            String kind = lower.contains("deadlock") ? "deadlock (1213)"
                    : lower.contains("lock wait timeout") ? "lock wait timeout (1205)" : "other retryable (40001)";
            byKind.merge(kind, 1L, Long::sum);
        } else if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
            // Not additive any more: pass the store's warnings on to the console ourselves.
            System.err.println("WARN org.mpp.store.Sql - " + msg);
        }
    }

    public long total() {
        return total.get();
    }

    /** Retries by kind ("deadlock (1213)", "lock wait timeout (1205)", "other retryable (40001)"). */
    public Map<String, Long> byKind() {
        return Map.copyOf(byKind);
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        logger.setLevel(before);
        logger.setAdditive(additiveBefore);
        stop();
    }
}
