package org.mpp.node;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

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
        return proxy(DataSource.class, pool, (target, m, args) -> {
            Object r = m.invoke(target, args);
            return r instanceof Connection c ? connection(c) : r;
        });
    }

    /** What was sent since the last {@link #clear()}. */
    synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    synchronized void clear() {
        sent.clear();
    }

    private Connection connection(Connection c) {
        return proxy(Connection.class, c, (target, m, args) -> {
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

    private interface Call {
        Object call(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T target, Call call) {
        InvocationHandler h = (p, m, args) -> {
            try {
                return call.call(target, m, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(StatementLog.class.getClassLoader(), new Class<?>[] {type}, h));
    }
}
