package org.mpp.testnode;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mpp.cli.Main;

/**
 * One MPP node running as a separate JVM ({@code org.mpp.cli.Main node --config FILE}) on the test classpath, with
 * its stdout and stderr in files of its own folder and its log at INFO for MPP's classes, for the cluster tests, the
 * fault harness (which sends it signals: SIGKILL, SIGSTOP and SIGCONT) and the benchmarks.
 *
 * <p>{@link #close()} stops the process whatever state it is in (SIGCONT when frozen, SIGTERM, then SIGKILL after a
 * grace period); a shutdown hook kills every node still alive when the test JVM exits, so that no run leaves a node
 * behind. Not thread-safe: one test thread drives it.
 */
public final class NodeProcess implements AutoCloseable {
    private static final Pattern RUNNING = Pattern.compile("Node ([0-9a-f-]{36}) running");
    /** Longer than a node's own stop budget (20 s for running work), so a clean stop is never cut short. */
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(p -> {
            signal(p.pid(), "CONT");
            p.destroyForcibly();
        }), "mpp-fault-node-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;
    private volatile boolean frozen;
    private UUID id;

    private NodeProcess(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts a node whose configuration is {@code config} (only the keys to override; reference.conf supplies the
     * rest), with a 512 MiB heap. Its files ({@code NAME.conf}, {@code NAME.out}, {@code NAME.err}) go to {@code dir}.
     */
    public static NodeProcess start(String name, Path dir, Config config) throws IOException {
        return start(name, dir, config, List.of("-Xmx512m", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=3g"));
    }

    /** As {@link #start(String, Path, Config)}, with {@code jvmFlags} (heap size, native memory tracking) for the JVM. */
    public static NodeProcess start(String name, Path dir, Config config, List<String> jvmFlags) throws IOException {
        return start(name, dir, config, jvmFlags, List.of());
    }

    /**
     * As {@link #start(String, Path, Config, List)}, the JVM started through {@code launcher} (a command that runs the
     * rest of its command line, such as {@code taskset -c 0}; empty for none).
     */
    public static NodeProcess start(String name, Path dir, Config config, List<String> jvmFlags, List<String> launcher)
            throws IOException {
        Files.createDirectories(dir);
        Path conf = Files.writeString(dir.resolve(name + ".conf"), config.root().render(ConfigRenderOptions.concise().setFormatted(true)));
        Path logback = Files.writeString(dir.resolve(name + "-logback.xml"), LOGBACK);
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        List<String> flags = new ArrayList<>(jvmFlags);
        flags.add("-Dlogback.configurationFile=" + logback);
        ProcessBuilder pb = cli(launcher, flags, List.of("node", "--config", conf.toString()));
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        pb.directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        ALIVE.add(p);
        return new NodeProcess(name, p, out, err);
    }

    /**
     * {@code org.mpp.cli.Main ARGS} in a new JVM with {@code jvmFlags}, on the test classpath, started through
     * {@code launcher} (such as {@code taskset -c 0}; empty for none).
     */
    public static ProcessBuilder cli(List<String> launcher, List<String> jvmFlags, List<String> args) {
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add(Main.class.getName());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        // CLASSPATH instead of -cp: the test classpath can be longer than a command line may be.
        pb.environment().put("CLASSPATH", String.join(File.pathSeparator, testClasspath()));
        return pb;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The node's UUID, once it has registered and started its workers ("Node UUID running" on stderr). */
    public Optional<UUID> runningAs() {
        if (id == null) {
            Matcher m = RUNNING.matcher(log());
            if (m.find()) {
                id = UUID.fromString(m.group(1));
            }
        }
        return Optional.ofNullable(id);
    }

    /**
     * Waits until the node has registered and started its workers.
     *
     * @throws AssertionError with the end of its log when it exits or does not start within {@code timeout}
     */
    public UUID awaitRunning(Duration timeout) {
        try {
            return await(name + " starts").atMost(timeout).pollInterval(Duration.ofMillis(200))
                    .failFast(name + " exited during start-up", () -> !process.isAlive())
                    .until(this::runningAs, Optional::isPresent).orElseThrow();
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n" + tail(40), e);
        }
    }

    /** The node's UUID; the node must have started ({@link #awaitRunning}). */
    public UUID id() {
        return runningAs().orElseThrow(() -> new IllegalStateException(name + " has not reported its UUID yet"));
    }

    /** Everything the node has written to stderr (its log) so far. */
    public String log() {
        return read(err);
    }

    /** Waits until the node's log matches {@code regex} (found anywhere in it); returns the first match. */
    public String awaitLog(String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex);
        try {
            return await(name + " logs /" + regex + "/").atMost(timeout).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        Matcher m = p.matcher(log());
                        return m.find() ? m.group() : null;
                    }, s -> s != null);
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n" + tail(40), e);
        }
    }

    /** Sends SIGTERM, as an operator's {@code kill} or a service manager would. */
    public void sigterm() {
        process.destroy();
    }

    /** Sends SIGKILL and waits until the process is gone: a machine losing power, as far as this node can tell. */
    public void sigkill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " (pid " + pid() + ") survived SIGKILL for " + GRACE.toSeconds() + " s");
        }
        frozen = false;
        ALIVE.remove(process);
    }

    /** SIGSTOP: the JVM freezes at once, every thread, the heartbeat included (a long GC pause, a VM suspended). */
    public void freeze() {
        signal(pid(), "STOP");
        frozen = true;
    }

    /** SIGCONT: a frozen node resumes where it stopped, unaware that time has passed. No-op unless frozen. */
    public void thaw() {
        if (frozen && process.isAlive()) {
            signal(pid(), "CONT");
        }
        frozen = false;
    }

    /**
     * Waits for the process to end by itself.
     *
     * @return its exit code
     * @throws AssertionError with the end of its log when it is still running after {@code timeout}
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " (pid " + pid() + ") still runs after " + timeout.toSeconds() + " s\n" + tail(40));
        }
        ALIVE.remove(process);
        return process.exitValue();
    }

    /** The last {@code lines} lines of the node's stdout and stderr, labelled, for failure messages. */
    public String tail(int lines) {
        return "----- " + name + " (pid " + pid() + (process.isAlive() ? frozen ? ", frozen" : ", running" : ", exit " + process.exitValue())
                + ") stdout, last " + lines + " lines:\n" + lastLines(read(out), lines)
                + "----- " + name + " stderr, last " + lines + " lines:\n" + lastLines(read(err), lines);
    }

    /** Stops the node: SIGCONT if frozen, SIGTERM, then SIGKILL when it has not exited within the grace period. Idempotent. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                thaw();
                process.destroy();
                if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    System.err.println(name + " ignored SIGTERM for " + GRACE.toSeconds() + " s; killing it\n" + tail(40));
                    process.destroyForcibly().waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            if (!process.isAlive()) {
                ALIVE.remove(process);
            }
        }
    }

    /** Sends a signal with kill(1): Java itself can only send SIGTERM and SIGKILL. */
    public static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + pid, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static String lastLines(String text, int n) {
        List<String> all = text.lines().toList();
        StringBuilder sb = new StringBuilder();
        for (String l : all.subList(Math.max(0, all.size() - n), all.size())) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }

    /**
     * The classpath of the running tests. Surefire may start the test JVM from a manifest-only jar; it then usually
     * puts the real classpath in {@code java.class.path} again, but where it left the booter jar there, its
     * manifest's Class-Path lists the entries. Absolute paths.
     */
    public static List<String> testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        List<String> entries = new ArrayList<>(List.of(cp.split(File.pathSeparator)));
        if (entries.size() == 1 && entries.get(0).endsWith(".jar")) {
            entries = manifestClasspath(Path.of(entries.get(0))).orElse(entries);
        }
        // A node runs in a folder of its own: entries relative to this JVM's folder (bench/run passes target/...) would
        // not be found there.
        entries = entries.stream().map(e -> Path.of(e).toAbsolutePath().toString()).toList();
        String mainClasses = codeSource(Main.class);
        if (entries.stream().map(NodeProcess::normalise).noneMatch(mainClasses::equals)) {
            throw new IllegalStateException("The test classpath " + entries + " lacks MPP's own classes (" + mainClasses
                    + "); a node could not start from it");
        }
        return entries;
    }

    private static Optional<List<String>> manifestClasspath(Path jar) {
        try (JarFile j = new JarFile(jar.toFile())) {
            Manifest m = j.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp == null || cp.isBlank()) {
                return Optional.empty();
            }
            List<String> entries = new ArrayList<>();
            for (String url : cp.trim().split("\\s+")) {
                entries.add(Path.of(jar.toUri().resolve(url)).toString());
            }
            return Optional.of(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the manifest of " + jar, e);
        }
    }

    private static String codeSource(Class<?> c) {
        try {
            return normalise(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String normalise(String entry) {
        return Path.of(entry).toAbsolutePath().normalize().toString();
    }

    /** The node's log: MPP's own classes at INFO (claims lost, recoveries, outages), the rest at WARN. */
    private static final String LOGBACK = """
            <configuration>
              <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
              </appender>
              <logger name="org.mpp" level="INFO"/>
              <logger name="ffmpeg" level="WARN"/>
              <logger name="org.jooq" level="ERROR"/>
              <logger name="com.zaxxer.hikari" level="WARN"/>
              <logger name="org.flywaydb" level="WARN"/>
              <root level="WARN"><appender-ref ref="STDERR"/></root>
            </configuration>
            """;
}
