package org.mpp.bench;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.Query;
import com.mysql.cj.interceptors.QueryInterceptor;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.Message;
import com.mysql.cj.protocol.Resultset;
import com.mysql.cj.protocol.ServerSession;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A Connector/J query interceptor that counts what a pool sends to the server: {@link #commands()} counts every
 * command packet (each one a round trip, including {@code SET autocommit}, {@code COMMIT} and executions of server
 * prepared statements), {@link #statements()} the SQL statements among them. With {@code -Dmpp.bench.sql-profile=true}
 * it also counts each distinct statement text ({@link #byText()}). Named in a JDBC URL as
 * {@code queryInterceptors=org.mpp.bench.StatementCounter}; Connector/J makes one per connection, so the counts are
 * static (one benchmark section at a time). Thread-safe.
 */
public final class StatementCounter implements QueryInterceptor {
    private static final boolean BY_TEXT = Boolean.getBoolean("mpp.bench.sql-profile");
    private static final LongAdder COMMANDS = new LongAdder();
    private static final LongAdder STATEMENTS = new LongAdder();
    private static final Map<String, LongAdder> BY_TEXT_COUNTS = new ConcurrentHashMap<>();

    /** The URL parameter that installs this counter. */
    static final String URL_PARAMETER = "queryInterceptors=" + StatementCounter.class.getName();

    static void reset() {
        COMMANDS.reset();
        STATEMENTS.reset();
        BY_TEXT_COUNTS.clear();
    }

    static long commands() {
        return COMMANDS.sum();
    }

    static long statements() {
        return STATEMENTS.sum();
    }

    /** Statement texts and how often each ran (empty unless {@code mpp.bench.sql-profile} is set). */
    static Map<String, Long> byText() {
        Map<String, Long> out = new TreeMap<>();
        BY_TEXT_COUNTS.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    @Override
    public QueryInterceptor init(MysqlConnection conn, Properties props, Log log) {
        return this;
    }

    @Override
    public <T extends Resultset> T preProcess(Supplier<String> sql, Query interceptedQuery) {
        STATEMENTS.increment();
        if (BY_TEXT) {
            String text = sql.get();
            text = text == null ? "?" : text.replaceAll("\\s+", " ");
            BY_TEXT_COUNTS.computeIfAbsent(text.length() > 160 ? text.substring(0, 160) : text, k -> new LongAdder()).increment();
        }
        return null;
    }

    @Override
    public <M extends Message> M preProcess(M queryPacket) {
        COMMANDS.increment();
        return null;
    }

    @Override
    public boolean executeTopLevelOnly() {
        return false;
    }

    @Override
    public void destroy() {
    }

    @Override
    public <T extends Resultset> T postProcess(Supplier<String> sql, Query interceptedQuery, T originalResultSet, ServerSession serverSession) {
        return null;
    }
}
