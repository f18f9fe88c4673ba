package org.mpp.bench;

import com.typesafe.config.ConfigUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mpp.cli.Main;

/**
 * One MPP node as a separate JVM ({@code org.mpp.cli.Main node --config FILE}) on the benchmark's classpath, with an
 * embedded H2 database in its work folder and {@code MALLOC_ARENA_MAX=2}, as a production node runs, so that its
 * resident memory can be read from {@code /proc/<pid>/status} without the benchmark's own JVM in the figure. Its
 * stdout and stderr go to files beside its work folder. Not thread-safe, apart from the {@code /proc} readers.
 */
final class BenchNode implements AutoCloseable {
    private static final Pattern RUNNING = Pattern.compile("Node ([0-9a-f-]{36}) running");
    private static final Duration START_WAIT = Duration.ofMinutes(3);
    /** Longer than the node's own stop budget (20 s), so a clean stop is never cut short. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    /** Nodes still running: killed if the benchmark's JVM exits first (Ctrl+C), so that no run leaves one behind. */
    private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(Process::destroyForcibly), "bench-node-reaper"));
    }

    private final Process process;
    private final List<String> command;
    private final Path err;

    private BenchNode(Process process, List<String> command, Path err) {
        this.process = process;
        this.command = command;
        this.err = err;
    }

    /**
     * Starts a node on the work folder {@code work} with {@code transcodeWorkers} transcode workers (one ingest and
     * one export worker, the defaults) and waits until it runs.
     *
     * @param jvmFlags flags for the node's JVM (heap size, native memory tracking)
     */
    static BenchNode start(Path work, int transcodeWorkers, List<String> jvmFlags) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path dir = work.toAbsolutePath().getParent();
        Path conf = Files.writeString(dir.resolve("node.conf"), "mpp.work.dir = " + ConfigUtil.quoteString(work.toAbsolutePath().toString())
                + "\nmpp.node.roles.transcode = " + transcodeWorkers + "\n");
        Path out = dir.resolve("node.out");
        Path err = dir.resolve("node.err");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of(Main.class.getName(), "node", "--config", conf.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // CLASSPATH instead of -cp: the classpath can be longer than a command line may be.
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        pb.directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        ALIVE.add(p);
        BenchNode node = new BenchNode(p, cmd, err);
        try {
            node.awaitRunning();
        } catch (IOException | InterruptedException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void awaitRunning() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (true) {
            Matcher m = RUNNING.matcher(Files.readString(err, StandardCharsets.UTF_8));
            if (m.find()) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("The node exited with status " + process.exitValue() + " before it ran:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The node has not reported 'running' after " + START_WAIT.toSeconds() + " s:\n" + tail());
            }
            Thread.sleep(100);
        }
    }

    long pid() {
        return process.pid();
    }

    /** The node's JVM command line without the classpath (which travels in CLASSPATH). */
    String commandLine() {
        return String.join(" ", command.subList(1, command.size())).replace(System.getProperty("java.home"), "$JAVA_HOME");
    }

    /** A field of {@code /proc/<pid>/status} in KiB (VmRSS: resident now; VmHWM: the peak resident size). */
    long statusKiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read /proc/" + pid() + "/status (has the node exited?)\n" + tail(), e);
        }
        throw new IllegalStateException("No " + field + " in /proc/" + pid() + "/status");
    }

    /** Runs {@code jcmd <pid> ARGS} (the JDK's own diagnostic command) and returns its output. */
    String jcmd(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed: " + text);
        }
        return text;
    }

    /** The last lines of the node's stderr, for failure messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + err + ": " + e + ")";
        }
    }

    /** SIGTERM (the node releases its work and exits), then SIGKILL after a grace period. Idempotent. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
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
}
