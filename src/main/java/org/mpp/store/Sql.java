package org.mpp.store;

import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shared pieces of the store's SQL: the database's clock, and transactions that survive deadlocks. */
final class Sql {
    private static final Logger log = LoggerFactory.getLogger(Sql.class);
    private static final int ATTEMPTS = 6;

    private Sql() {
    }

    /** The database's clock with microseconds: leases never depend on a node's clock. */
    static Field<LocalDateTime> now() {
        return DSL.field("NOW(6)", LocalDateTime.class);
    }

    /** The database's clock plus {@code d}. */
    static Field<LocalDateTime> nowPlus(Duration d) {
        return DSL.field("TIMESTAMPADD(MICROSECOND, {0}, NOW(6))", LocalDateTime.class, DSL.val(d.toNanos() / 1000));
    }

    /** The database's clock minus {@code d}. */
    static Field<LocalDateTime> nowMinus(Duration d) {
        return nowPlus(d.negated());
    }

    /**
     * Runs {@code work} in one transaction, again (with jitter) when the database reports a deadlock or a
     * lock-wait timeout, which InnoDB may do to any transaction that locks rows.
     */
    static <T> T tx(DSLContext dsl, Function<DSLContext, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return dsl.transactionResult(cfg -> work.apply(DSL.using(cfg)));
            } catch (DataAccessException e) {
                if (!retryable(e) || attempt == ATTEMPTS) {
                    throw e;
                }
                log.debug("Transaction retried after {} (attempt {})", e.getMessage(), attempt);
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L << attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** MySQL/MariaDB 1213 (deadlock) and 1205 (lock wait timeout); SQLSTATE 40001 (serialization failure, H2 too). */
    static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (s.getErrorCode() == 1213 || s.getErrorCode() == 1205 || "40001".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
