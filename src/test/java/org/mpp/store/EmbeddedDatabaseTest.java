package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.cli.Main;
import org.mpp.config.Settings;
import org.mpp.testnode.NodeProcess;

/**
 * The embedded database (no {@code mpp.db.url}) stays on this machine: its auto-server listens on loopback only and
 * wants the password generated in {@code <work>/db/secret}, which only the owner may read, while a second process on
 * the same work folder still gets in.
 */
class EmbeddedDatabaseTest {
    @TempDir
    Path work;

    /** The embedded database's settings: no URL, user or password (the work folder's secret). */
    static Settings.Db embedded() {
        return new Settings.Db(Optional.empty(), Optional.empty(), Optional.empty(), 2, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ZERO, Duration.ofSeconds(10));
    }

    @Test
    void theAutoServerAcceptsNoConnectionFromAnotherAddressOfThisMachine() throws Exception {
        InetAddress outside = nonLoopbackAddress();
        try (Database db = Database.open(embedded(), work)) {
            int port = autoServerPort();

            try (Socket local = new Socket()) {
                local.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                assertThat(local.isConnected()).as("the port in the lock file is the auto-server's").isTrue();
            }
            assertThatThrownBy(() -> {
                try (Socket remote = new Socket()) {
                    remote.connect(new InetSocketAddress(outside, port), 2000);
                }
            }).as("a connection to %s:%d", outside.getHostAddress(), port).isInstanceOf(IOException.class);
        }
    }

    @Test
    void theEmbeddedDatabaseWantsTheOwnerOnlySecretOfItsWorkFolder() throws Exception {
        try (Database db = Database.open(embedded(), work)) {
            Path secret = work.resolve("db").resolve(EmbeddedSecret.FILE);

            assertThat(secret).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
            String password = Files.readString(secret).strip();
            assertThat(password).hasSizeGreaterThanOrEqualTo(32);
            assertThatThrownBy(() -> DriverManager.getConnection(Database.embeddedUrl(work), "", "").close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password");
            try (Connection c = DriverManager.getConnection(Database.embeddedUrl(work), "", password)) {
                assertThat(c.isValid(2)).isTrue();
            }
        }
        try (Database again = Database.open(embedded(), work)) {
            assertThat(again.schemaVersion()).isNotEqualTo("none");
        }
    }

    @Test
    void theEmbeddedDatabasesFolderIsTheOwnersOnlyEvenWhenItExistedBefore() throws Exception {
        Path folder = Files.createDirectories(work.resolve("db"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (Database db = Database.open(embedded(), work)) {
            // The database file itself is H2's, made with the process's umask: the folder keeps others out of it.
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        }
    }

    @Test
    void aDatabaseMadeWithoutAPasswordGetsTheSecretOnFirstOpen() throws Exception {
        // As earlier versions made it: the same file and URL, the empty password.
        Settings.Db before = new Settings.Db(Optional.of(Database.embeddedUrl(work)), Optional.empty(), Optional.empty(), 2,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(10));
        java.util.UUID job;
        try (Database old = Database.open(before, work)) {
            job = new JobStore(old).submit("kept.mp4", 0);
        }

        try (Database db = Database.open(embedded(), work)) {
            assertThat(new JobStore(db).job(job)).hasValueSatisfying(j -> assertThat(j.sourceName()).isEqualTo("kept.mp4"));
        }

        assertThat(work.resolve("db").resolve(EmbeddedSecret.FILE)).exists();
        assertThat(work.resolve("db").resolve(EmbeddedSecret.FILE + ".new")).doesNotExist();
        assertThatThrownBy(() -> DriverManager.getConnection(Database.embeddedUrl(work), "", "").close()).isInstanceOf(SQLException.class);
    }

    @Test
    void mppStatusInASecondProcessReadsTheDatabaseThisProcessHoldsOpen() throws Exception {
        Path conf = Files.writeString(work.resolve("test.conf"), "mpp.work.dir = \"" + work.toString().replace('\\', '/') + "\"\n");
        try (Database db = Database.open(embedded(), work)) {
            new JobStore(db).submit("held-open.mp4", 0);

            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    Main.class.getName(), "status", "--config", conf.toString()).redirectErrorStream(true);
            pb.environment().put("CLASSPATH", String.join(File.pathSeparator, NodeProcess.testClasspath()));
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("held-open.mp4");
        }
    }

    /** The auto-server's port, from the H2 lock file (server=host:port). */
    private int autoServerPort() throws IOException {
        Properties lock = new Properties();
        try (Reader r = Files.newBufferedReader(work.resolve("db").resolve("mpp.lock.db"), StandardCharsets.ISO_8859_1)) {
            lock.load(r);
        }
        String server = lock.getProperty("server");
        assertThat(server).as("the lock file names the auto-server").isNotNull();
        return Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        List<InetAddress> all = NetworkInterface.networkInterfaces().filter(EmbeddedDatabaseTest::up)
                .flatMap(NetworkInterface::inetAddresses).filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress()).toList();
        Optional<InetAddress> v4 = all.stream().filter(a -> a instanceof Inet4Address).findFirst();
        assumeTrue(v4.isPresent() || !all.isEmpty(), "this machine has no address besides loopback");
        return v4.orElse(all.get(0));
    }

    private static boolean up(NetworkInterface n) {
        try {
            return n.isUp() && !n.isLoopback();
        } catch (java.net.SocketException e) {
            return false;
        }
    }
}
