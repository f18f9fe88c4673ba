package org.mpp.store;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the store contracts share: the stores on the database under test, two node ids and helpers. Each topic is an
 * interface of its own file; {@link StoreContractTest} runs them all against one database per class.
 */
interface StoreContract {
    Duration TINY_LEASE = Duration.ofMillis(200);
    Duration PATIENCE = Duration.ofSeconds(15);

    /** The stores and fixtures on the database under test, reset before each test. */
    StoreFixture f();

    TestDatabases.Fresh fresh();

    UUID nodeA();

    UUID nodeB();

    /**
     * True where a claim in flight locks only the rows it takes. H2 locks every row that matches a locking query it
     * has to sort, so there a concurrent claim comes back empty (the worker polls again) instead of taking the next.
     */
    boolean claimLocksOnlyTheRowsItTakes();

    /** How many transcode tasks the concurrency test pushes through (fewer where the database is slow). */
    int concurrentTasks();

    default TaskStore tasks() {
        return f().tasks;
    }

    default JobStore jobs() {
        return f().jobs;
    }

    default NodeStore nodes() {
        return f().nodes;
    }

    default ControlStore control() {
        return f().control;
    }

    /** Runs {@code call} on {@code threads} threads released at the same instant; returns each thread's result. */
    default <T> List<T> atOnce(int threads, Callable<T> call) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<T>> calls = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                calls.add(() -> {
                    start.await();
                    return call.call();
                });
            }
            List<T> results = new ArrayList<>();
            for (Future<T> r : pool.invokeAll(calls)) {
                results.add(r.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits (on the database's clock) until recovery finds expired leases, and returns what it recovered. */
    default List<TaskStore.Recovered> awaitRecovery(int failureTolerance) {
        List<List<TaskStore.Recovered>> seen = new CopyOnWriteArrayList<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<TaskStore.Recovered> r = tasks().recoverExpired(failureTolerance);
            if (r.isEmpty()) {
                return false;
            }
            seen.add(r);
            return true;
        });
        return seen.get(0);
    }

    /** A client that knows nothing of MPP: the seed's own INSERT, through plain JDBC. */
    default void insertWithPlainSql(String sourceName) throws Exception {
        try (Connection c = f().db.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            String quoted = "'" + sourceName.replace("'", "''") + "'";
            s.executeUpdate("INSERT INTO job (sourceName, dateAdded) VALUES (" + quoted + ", CURRENT_TIMESTAMP)");
        }
    }

    default long schemaHistoryRows() throws Exception {
        try (Connection c = f().db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
