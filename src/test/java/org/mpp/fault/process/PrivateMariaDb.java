package org.mpp.fault.process;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.mpp.store.TestDatabases;

/**
 * A MariaDB server of the test's own: a data directory made by {@code mariadb-install-db} in a temporary folder and a
 * {@code mariadbd} on a free TCP port of 127.0.0.1 with its own socket and pid file, started with {@code --no-defaults}
 * so that no system configuration applies. The shared server (3306) is never touched. The test can crash it
 * ({@link #crash()}: SIGKILL, as a power cut would) and start it again on the same data directory ({@link #start()}),
 * which makes InnoDB recover as after a real crash.
 *
 * <p>Needs {@code /usr/sbin/mariadbd} and {@code mariadb-install-db}; without them the calling test is skipped, or
 * fails where MariaDB tests are required (CI=true, as {@link TestDatabases}). Runs the server as the current user
 * ({@code --user=root} when that is root). {@link #close()} kills the server and deletes the folder; a shutdown hook
 * kills any server a test left behind. Not thread-safe.
 */
final class PrivateMariaDb implements AutoCloseable {
    private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(Process::destroyForcibly), "mpp-fault-mariadb-reaper"));
    }

    private final Path dir;
    private final int port;
    private Process server;
    private int starts;

    private PrivateMariaDb(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Makes a data directory in a new temporary folder and starts the server on a free port. */
    static PrivateMariaDb create() throws IOException, InterruptedException {
        Path installDb = findInstallDb();
        if (!Files.isExecutable(MARIADBD) || installDb == null) {
            String message = "MariaDB server binaries (" + MARIADBD + ", mariadb-install-db) are not installed";
            if (TestDatabases.mariaDbRequired()) {
                throw new AssertionError(message + " (MariaDB tests are required here: CI=true or -Dmpp.test.require-mariadb=true)");
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
        Path dir = Files.createTempDirectory("mpp-fault-mariadb-");
        PrivateMariaDb db = new PrivateMariaDb(dir, freePort());
        try {
            db.install(installDb);
            db.start();
            return db;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            db.close();
            throw e;
        }
    }

    /** JDBC URL of the server's {@code mpp} database (created at first start). */
    String url() {
        return "jdbc:mysql://127.0.0.1:" + port + "/mpp";
    }

    String user() {
        return "root";
    }

    String password() {
        return "";
    }

    int port() {
        return port;
    }

    boolean isRunning() {
        return server != null && server.isAlive();
    }

    /** Starts the server on its data directory and waits until it answers; creates the {@code mpp} database once. */
    void start() throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("The test's MariaDB on port " + port + " is already running");
        }
        starts++;
        Path log = dir.resolve("mariadbd-" + starts + ".log");
        ProcessBuilder pb = new ProcessBuilder(MARIADBD.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"), "--user=" + System.getProperty("user.name"), "--skip-log-bin",
                "--skip-name-resolve", "--innodb-buffer-pool-size=64M", "--max-connections=300", "--log-error=" + log)
                .redirectErrorStream(true).redirectOutput(dir.resolve("mariadbd-" + starts + ".out").toFile());
        server = pb.start();
        ALIVE.add(server);
        Process p = server;
        try {
            await("the test's MariaDB on port " + port + " answers").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .failFast("mariadbd exited", () -> !p.isAlive()).until(this::answers);
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n" + read(log), e);
        }
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS mpp CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new AssertionError("Cannot create the mpp database on the test's MariaDB: " + e.getMessage(), e);
        }
    }

    /** Kills the server with SIGKILL and waits until it is gone: every connection breaks, nothing is flushed. */
    void crash() throws InterruptedException {
        if (!isRunning()) {
            return;
        }
        server.destroyForcibly();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("mariadbd (pid " + server.pid() + ") survived SIGKILL for 30 s");
        }
        ALIVE.remove(server);
    }

    /** Stops the server and deletes its folder. Idempotent. */
    @Override
    public void close() {
        try {
            crash();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(dir);
        }
    }

    /** The server's error logs (all starts), for failure messages. */
    String logs() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            sb.append("----- mariadbd start ").append(i).append(" error log:\n").append(read(dir.resolve("mariadbd-" + i + ".log")));
        }
        return sb.toString();
    }

    private boolean answers() {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user());
        p.setProperty("password", password());
        p.setProperty("connectTimeout", "2000");
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/" + database, p);
    }

    private void install(Path installDb) throws IOException, InterruptedException {
        Path log = dir.resolve("install-db.log");
        Process p = new ProcessBuilder(installDb.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--user=" + System.getProperty("user.name"), "--auth-root-authentication-method=normal", "--skip-test-db")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("mariadb-install-db failed:\n" + read(log));
        }
    }

    private static Path findInstallDb() {
        for (String candidate : List.of("/usr/bin/mariadb-install-db", "/usr/local/bin/mariadb-install-db", "/usr/bin/mysql_install_db")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no " + file.getFileName() + ")\n";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("Could not delete " + dir + ": " + e.getMessage());
        }
    }
}
