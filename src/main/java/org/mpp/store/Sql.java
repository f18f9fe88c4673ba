package org.mpp.store;

import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jooq.Context;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.CustomField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shared pieces of the store's SQL: the database's clock, and transactions that survive deadlocks. */
final class Sql {
    private static final Logger log = LoggerFactory.getLogger(Sql.class);
    private static final int ATTEMPTS = 6;

    private Sql() {
    }

    /**
     * The database's clock in UTC, with microseconds: every lease, liveness and availability time (leaseUntil,
     * lastAccess, availableAt) is written and compared on it. Leases never depend on a node's clock, nor on the database
     * session's or server's time zone: {@code NOW(6)} follows that zone, so a daylight-saving change moved every stored
     * time by an hour at once (spring: every node looked silent and was purged; autumn: no lease expired for an hour).
     * MySQL and MariaDB have UTC_TIMESTAMP; H2 has none, and its CURRENT_TIMESTAMP cast to TIMESTAMP lands in the
     * session's zone again, so there the UTC time is built from the epoch.
     */
    static Field<LocalDateTime> now() {
        return UTC_NOW;
    }

    private static final Field<LocalDateTime> UTC_NOW = new CustomField<>(DSL.name("utc_now"), SQLDataType.LOCALDATETIME(6)) {
        @Override
        public void accept(Context<?> ctx) {
            if (ctx.family() == SQLDialect.H2) {
                ctx.visit(DSL.field("TIMESTAMPADD(MICROSECOND, CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP(6)) * 1000000 AS BIGINT),"
                        + " TIMESTAMP '1970-01-01 00:00:00')", LocalDateTime.class));
            } else {
                ctx.visit(DSL.field("UTC_TIMESTAMP(6)", LocalDateTime.class));
            }
        }
    };

    /**
     * The database server's local time, for the dates people read (dateAdded, dateCompleted, lastUpdate, startedAt): the
     * seed's interface writes dateAdded with CURRENT_TIMESTAMP, and MPP's dates stay comparable with its. Never for a
     * lease or a timeout: use {@link #now()}.
     */
    static Field<LocalDateTime> wallClock() {
        return DSL.field("NOW(6)", LocalDateTime.class);
    }

    /** The database's UTC clock plus {@code d}. */
    static Field<LocalDateTime> nowPlus(Duration d) {
        return DSL.field("TIMESTAMPADD(MICROSECOND, {0}, {1})", LocalDateTime.class, DSL.val(d.toNanos() / 1000), now());
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
        return retried(() -> dsl.transactionResult(cfg -> work.apply(DSL.using(cfg))));
    }

    /**
     * Runs one statement on its own (autocommit), again (with jitter) on a deadlock or a lock-wait timeout. For a write
     * that must hold no lock past its statement: a node frozen (SIGSTOP, a paused VM) between a transaction's statement
     * and its commit keeps that statement's row locks for as long as it is frozen, and every other node's recovery of
     * those rows waits on them.
     */
    static <T> T alone(Supplier<T> statement) {
        return retried(statement);
    }

    private static <T> T retried(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
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
