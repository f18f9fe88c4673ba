package org.mpp.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mpp.cli.Main;
import org.mpp.testnode.NodeProcess;

/**
 * One MPP node as a separate JVM ({@link NodeProcess}) with an embedded H2 database in its work folder and
 * {@code MALLOC_ARENA_MAX=2}, as a production node runs, so that its resident memory can be read from
 * {@code /proc/<pid>/status} without the benchmark's own JVM in the figure. Its files go beside its work folder. Not
 * thread-safe, apart from the {@code /proc} readers.
 */
final class BenchNode implements AutoCloseable {
    private static final Duration START_WAIT = Duration.ofMinutes(3);

    private final NodeProcess process;
    private final String commandLine;

    private BenchNode(NodeProcess process, String commandLine) {
        this.process = process;
        this.commandLine = commandLine;
    }

    /**
     * Starts a node on the work folder {@code work} with {@code transcodeWorkers} transcode workers (one ingest and
     * one export worker, the defaults) and waits until it runs.
     *
     * @param jvmFlags flags for the node's JVM (heap size, native memory tracking)
     */
    static BenchNode start(Path work, int transcodeWorkers, List<String> jvmFlags) throws IOException {
        Files.createDirectories(work);
        Path dir = work.toAbsolutePath().getParent();
        Config config = ConfigFactory.parseMap(Map.of("mpp.work.dir", work.toAbsolutePath().toString(),
                "mpp.node.roles.transcode", transcodeWorkers));
        NodeProcess p = NodeProcess.start("node", dir, config, jvmFlags);
        BenchNode node = new BenchNode(p, String.join(" ", jvmFlags) + " " + Main.class.getName() + " node --config "
                + dir.resolve("node.conf"));
        try {
            p.awaitRunning(START_WAIT);
        } catch (AssertionError | RuntimeException e) {
            node.close();
            throw new IllegalStateException(e.getMessage(), e);
        }
        return node;
    }

    long pid() {
        return process.pid();
    }

    /** The node's JVM command line without the classpath (which travels in CLASSPATH). */
    String commandLine() {
        return commandLine;
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

    /** The last lines of the node's output, for failure messages. */
    String tail() {
        return process.tail(30);
    }

    /** SIGTERM (the node releases its work and exits), then SIGKILL after a grace period. Idempotent. */
    @Override
    public void close() {
        process.close();
    }
}
