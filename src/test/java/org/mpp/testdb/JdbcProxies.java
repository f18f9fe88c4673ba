package org.mpp.testdb;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * Windows onto a real pool for tests that watch or hold up what a store sends to its database: each call is passed on to
 * the real object, and what it throws is thrown as it was.
 */
public final class JdbcProxies {
    private JdbcProxies() {
    }

    /** A call on a proxy: the real object, the method and its arguments; invoke the method on {@code target} to pass it on. */
    public interface Call {
        Object call(Object target, Method m, Object[] args) throws Throwable;
    }

    /** {@code pool}, with every connection it hands out passed through {@code connection} first. */
    public static DataSource connections(DataSource pool, UnaryOperator<Connection> connection) {
        return of(DataSource.class, pool, (target, m, args) -> {
            Object r = m.invoke(target, args);
            return r instanceof Connection c ? connection.apply(c) : r;
        });
    }

    /** A {@code type} whose every call goes to {@code call}. */
    public static <T> T of(Class<T> type, T target, Call call) {
        InvocationHandler h = (p, m, args) -> {
            try {
                return call.call(target, m, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(JdbcProxies.class.getClassLoader(), new Class<?>[] {type}, h));
    }
}
