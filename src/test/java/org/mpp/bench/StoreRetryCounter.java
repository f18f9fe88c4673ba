package org.mpp.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Counts the transactions the store retried after a deadlock or lock-wait timeout, from the store's own DEBUG line
 * ("Transaction retried after ...", logger {@code org.mpp.store.Sql}), as the fault tests' counter does.
 */
final class StoreRetryCounter extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.mpp.store.Sql");
    private final Level before = logger.getLevel();
    private final boolean additiveBefore = logger.isAdditive();
    private final AtomicLong total = new AtomicLong();
    private final Map<String, Long> byKind = new ConcurrentHashMap<>();

    static StoreRetryCounter listen() {
        StoreRetryCounter c = new StoreRetryCounter();
        c.setContext(c.logger.getLoggerContext());
        c.setName("bench-retry-counter");
        c.start();
        c.logger.addAppender(c);
        c.logger.setLevel(Level.DEBUG);
        c.logger.setAdditive(false);
        return c;
    }

    @Override
    protected void append(ILoggingEvent e) {
        String msg = e.getFormattedMessage();
        if (e.getLevel() == Level.DEBUG && msg.startsWith("Transaction retried after")) {
            total.incrementAndGet();
            String lower = msg.toLowerCase(Locale.ROOT);
            byKind.merge(lower.contains("deadlock") ? "deadlock" : lower.contains("lock wait timeout") ? "lock-wait timeout" : "other",
                    1L, Long::sum);
        } else if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
            System.err.println("WARN org.mpp.store.Sql - " + msg);
        }
    }

    long total() {
        return total.get();
    }

    Map<String, Long> byKind() {
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
