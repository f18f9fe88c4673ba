package org.mpp.node;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.mpp.testdb.JdbcProxies;

/**
 * A real pool seen through a window: every SQL text that a connection prepares is recorded, with the name of the
 * thread that sent it, then passed on unchanged (jOOQ prepares every statement it sends). For tests that count what a
 * node sends to its database.
 */
final class StatementLog {
    /** One statement sent: its thread's name and its SQL text. */
    record Sent(String thread, String sql) {
    }

    private final List<Sent> sent = new ArrayList<>();

    /** {@code pool} with every statement recorded here. */
    DataSource wrap(DataSource pool) {
        return JdbcProxies.connections(pool, this::connection);
    }

    /** What was sent since the last {@link #clear()}. */
    synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    synchronized void clear() {
        sent.clear();
    }

    private Connection connection(Connection c) {
        return JdbcProxies.of(Connection.class, c, (target, m, args) -> {
            if (args != null && args.length > 0 && args[0] instanceof String sql
                    && (m.getName().equals("prepareStatement") || m.getName().equals("prepareCall"))) {
                record(sql);
            }
            return m.invoke(target, args);
        });
    }

    private synchronized void record(String sql) {
        sent.add(new Sent(Thread.currentThread().getName(), sql));
    }
}
