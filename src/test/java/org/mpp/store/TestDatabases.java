package org.mpp.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.mpp.config.Settings;

/**
 * Fresh, empty, migrated databases for tests: an embedded H2 file database in a temporary folder, or a new
 * database {@code mpp_test_<random>} on the MariaDB/MySQL server named by the environment variable
 * {@code MPP_TEST_DB_URL} (default {@code jdbc:mysql://127.0.0.1:3306/}, user {@code MPP_TEST_DB_USER} or root,
 * password {@code MPP_TEST_DB_PASSWORD} or empty). Closing a {@link Fresh} drops what it created.
 *
 * <p>When the server cannot be reached, {@link #mariaDb()} skips the calling test with a JUnit assumption, unless
 * MariaDB is required (environment {@code CI=true} or system property {@code mpp.test.require-mariadb=true}): then
 * it fails loudly, so that CI can never pass by skipping the database it exists to test.
 *
 * <p>{@link Fresh#url()}, {@link Fresh#user()} and {@link Fresh#password()} are what another JVM (a node started as a
 * process) needs to reach the same database; the H2 URL allows that through H2's auto-server mode. Thread-safe.
 */
public final class TestDatabases {
    /** Which database a test runs against. */
    public enum Kind {
        H2, MARIADB
    }

    private static final String DEFAULT_SERVER_URL = "jdbc:mysql://127.0.0.1:3306/";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    /** Databases created and not yet dropped; a shutdown hook drops them when a test forgot to close one. */
    private static final Set<Fresh> OPEN = ConcurrentHashMap.newKeySet();
    /** Why the server cannot be reached (empty when it can); probed once per JVM. */
    private static volatile Optional<String> unreachable;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(Fresh::close), "mpp-test-db-cleanup"));
    }

    private TestDatabases() {
    }

    /** A fresh database of the given kind; for MariaDB, see {@link #mariaDb()}. */
    public static Fresh fresh(Kind kind) {
        return kind == Kind.H2 ? h2() : mariaDb();
    }

    /** A fresh embedded H2 database (MySQL mode) in a new temporary folder, deleted on close. */
    public static Fresh h2() {
        try {
            Path dir = Files.createTempDirectory("mpp-test-h2-");
            return register(new Fresh(Kind.H2, Database.embeddedUrl(dir), "", "", dir, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A fresh database on the MariaDB server, dropped on close.
     *
     * @throws org.opentest4j.TestAbortedException when the server is unreachable and MariaDB is not required
     * @throws AssertionError when the server is unreachable and MariaDB is required (CI)
     */
    public static Fresh mariaDb() {
        requireReachable();
        String name = "mpp_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Connection c = serverConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new AssertionError("Cannot create test database " + name + " on " + serverUrl() + ": " + e.getMessage(), e);
        }
        return register(new Fresh(Kind.MARIADB, databaseUrl(serverUrl(), name), serverUser(), serverPassword(), null, name));
    }

    /**
     * True when MariaDB tests must run and fail rather than be skipped (CI=true or -Dmpp.test.require-mariadb=true).
     */
    public static boolean mariaDbRequired() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("mpp.test.require-mariadb");
    }

    /** Skips (or, when required, fails) the calling test when the MariaDB server cannot be reached. */
    public static void requireReachable() {
        Optional<String> why = probe();
        if (why.isEmpty()) {
            return;
        }
        String message = "MariaDB at " + serverUrl() + " (user " + serverUser() + ") is unreachable (" + why.get().strip()
                + "). Start it, or point MPP_TEST_DB_URL at a server";
        if (mariaDbRequired()) {
            throw new AssertionError(message + " (MariaDB tests are required here: CI=true or -Dmpp.test.require-mariadb=true)");
        }
        // Surefire does not print why a whole class was skipped: say it here.
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message + "; MariaDB tests skipped");
    }

    private static synchronized Optional<String> probe() {
        if (unreachable == null) {
            try (Connection c = serverConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                unreachable = Optional.empty();
            } catch (SQLException e) {
                unreachable = Optional.of(e.getMessage());
            }
        }
        return unreachable;
    }

    static String serverUrl() {
        String url = System.getenv("MPP_TEST_DB_URL");
        return url == null || url.isBlank() ? DEFAULT_SERVER_URL : url.trim();
    }

    private static String serverUser() {
        String user = System.getenv("MPP_TEST_DB_USER");
        return user == null || user.isBlank() ? "root" : user;
    }

    private static String serverPassword() {
        String password = System.getenv("MPP_TEST_DB_PASSWORD");
        return password == null ? "" : password;
    }

    private static Connection serverConnection() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", serverUser());
        p.setProperty("password", serverPassword());
        p.setProperty("connectTimeout", String.valueOf(PROBE_TIMEOUT.toMillis()));
        p.setProperty("socketTimeout", String.valueOf(Duration.ofSeconds(60).toMillis()));
        return DriverManager.getConnection(serverUrl(), p);
    }

    /** The server URL with its database path replaced by {@code name}; query parameters are kept. */
    static String databaseUrl(String server, String name) {
        int hostStart = server.indexOf("//");
        if (hostStart < 0) {
            throw new IllegalArgumentException("MPP_TEST_DB_URL must look like jdbc:mysql://host:port/, not " + server);
        }
        int query = server.indexOf('?', hostStart);
        String base = query < 0 ? server : server.substring(0, query);
        String params = query < 0 ? "" : server.substring(query);
        int slash = base.indexOf('/', hostStart + 2);
        String hosts = slash < 0 ? base : base.substring(0, slash);
        return hosts + "/" + name + params;
    }

    private static Fresh register(Fresh f) {
        OPEN.add(f);
        return f;
    }

    /**
     * One fresh database. {@link #open()} opens (and migrates) the store's {@link Database} on it, once; the
     * coordinates let another process reach it. Closing closes that pool and drops the database.
     */
    public static final class Fresh implements AutoCloseable {
        private final Kind kind;
        private final String url;
        private final String user;
        private final String password;
        private final Path h2Dir;
        private final String mariaDbName;
        private Database database;
        private boolean closed;

        private Fresh(Kind kind, String url, String user, String password, Path h2Dir, String mariaDbName) {
            this.kind = kind;
            this.url = url;
            this.user = user;
            this.password = password;
            this.h2Dir = h2Dir;
            this.mariaDbName = mariaDbName;
        }

        public Kind kind() {
            return kind;
        }

        /** The JDBC URL of this database (for H2, one that a second process may open at the same time). */
        public String url() {
            return url;
        }

        public String user() {
            return user;
        }

        public String password() {
            return password;
        }

        /**
         * For H2, the temporary folder whose {@code db/} holds the database (a node with this work folder and no URL
         * uses it).
         */
        public Optional<Path> folder() {
            return Optional.ofNullable(h2Dir);
        }

        /** Connection settings for this database, as a node's configuration would hold them. */
        public Settings.Db settings(int poolSize) {
            return new Settings.Db(Optional.of(url), Optional.of(user).filter(u -> !u.isEmpty()),
                    Optional.of(password).filter(p -> !p.isEmpty()),
                    poolSize, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(10));
        }

        /** The store's database on it, migrated, with a pool of 16 connections; opened on first call. */
        public synchronized Database open() {
            if (closed) {
                throw new IllegalStateException("Test database " + url + " is closed");
            }
            if (database == null) {
                database = Database.open(settings(16), h2Dir != null ? h2Dir : Path.of("unused"));
            }
            return database;
        }

        /** A second, independent pool on the same database (as a second node would have); the caller closes it. */
        public Database openAnother(int poolSize) {
            return Database.open(settings(poolSize), h2Dir != null ? h2Dir : Path.of("unused"));
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            OPEN.remove(this);
            if (database != null) {
                database.close();
            }
            if (mariaDbName != null) {
                try (Connection c = serverConnection(); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS `" + mariaDbName + "`");
                } catch (SQLException e) {
                    System.err.println("Could not drop test database " + mariaDbName + ": " + e.getMessage());
                }
            }
            if (h2Dir != null) {
                deleteTree(h2Dir);
            }
        }

        @Override
        public String toString() {
            return kind.name().toLowerCase(Locale.ROOT) + " " + url;
        }

        private static void deleteTree(Path dir) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("Could not delete " + dir + ": " + e.getMessage());
            }
        }
    }
}
