package org.mpp.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.mpp.testdb.JdbcProxies;

/**
 * A real pool whose caller freezes, as a node stopped by SIGSTOP or a paused VM does, right after the database has run a
 * statement whose SQL contains a marker: the statement's thread waits in it until {@link #thaw()}, holding its connection
 * and whatever its transaction locked. For tests of what a frozen node leaves locked.
 */
final class FreezingDataSource {
    private static final Set<String> RUNS = Set.of("execute", "executeUpdate", "executeLargeUpdate", "executeQuery");
    private final String marker;
    private final CountDownLatch frozen = new CountDownLatch(1);
    private final CountDownLatch thawed = new CountDownLatch(1);

    FreezingDataSource(String marker) {
        this.marker = marker;
    }

    /** {@code pool}, freezing after the first statement that contains the marker. */
    DataSource wrap(DataSource pool) {
        return JdbcProxies.connections(pool, this::connection);
    }

    /** Waits until a statement has run and its thread is frozen; false when none did within {@code atMost}. */
    boolean awaitFrozen(Duration atMost) throws InterruptedException {
        return frozen.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    void thaw() {
        thawed.countDown();
    }

    private Connection connection(Connection c) {
        return JdbcProxies.of(Connection.class, c, (target, m, args) -> {
            Object r = m.invoke(target, args);
            if (m.getName().equals("prepareStatement") && args[0] instanceof String sql && sql.contains(marker)) {
                return statement((PreparedStatement) r);
            }
            return r;
        });
    }

    private PreparedStatement statement(PreparedStatement s) {
        return JdbcProxies.of(PreparedStatement.class, s, (target, m, args) -> {
            Object r = m.invoke(target, args);
            if (RUNS.contains(m.getName()) && frozen.getCount() > 0) {
                frozen.countDown();
                thawed.await();
            }
            return r;
        });
    }
}
