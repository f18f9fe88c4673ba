package org.mpp.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.store.JobView;
import org.mpp.store.TestDatabases;
import org.mpp.testnode.NodeProcess;

/**
 * Issue 5, part 3: the same jobs through one node and through two nodes on MariaDB and a shared work folder, every
 * encoder and decoder on one thread (so a node's work fills one core, and the 2-core machine holds two such nodes).
 * Speed-up = one node's wall time / two nodes'. From it, the serial share f of Amdahl's law (for 2 nodes, speed-up
 * S = 1 / (f + (1 - f) / 2), so f = 2 / S - 1) and the projection for 4, 16 and 64 nodes. Each node is a process of
 * its own ({@code org.mpp.cli.Main node}) pinned to one core, as one-core machines would be.
 */
final class ScaleOutBench implements Section {
    static final double TARGET = 1.9;

    @Override
    public String id() {
        return "scale";
    }

    @Override
    public String title() {
        return "3. Scale-out: one node vs two nodes (threads = 1), MariaDB";
    }

    @Override
    public void run(BenchEnv env, Report report) throws Exception {
        int jobs = env.tiny() ? 2 : 4;
        Path source = env.tiny() ? env.source() : env.source(1920, 1080, 30, 20);
        report.note(id(), jobs + " jobs of " + source.getFileName() + ", encoder-threads = decoder-threads = 1, roles 1/1/1 per node");
        EndToEndBench.Timing oneNode = run(env, source, jobs, 1);
        EndToEndBench.Timing twoNodes = run(env, source, jobs, 2);
        double one = oneNode.wall();
        double two = twoNodes.wall();
        double speedup = one / two;
        report.add(id(), "1 node wall", one, "s");
        report.add(id(), "2 nodes wall", two, "s");
        // Each node is pinned to a core: about 1 and 2 cores busy show that the nodes had the cores to themselves.
        report.add(id(), "1 node: cores busy (CPU / wall)", oneNode.cpu() / one, "cores");
        report.add(id(), "2 nodes: cores busy (CPU / wall)", twoNodes.cpu() / two, "cores");
        report.target(id(), "speed-up, 2 nodes", speedup, "x", ">= " + TARGET, speedup >= TARGET);
        double serial = Math.max(0, Math.min(1, 2 / speedup - 1));
        report.add(id(), "serial share (Amdahl, from the 2-node speed-up)", 100 * serial, "%");
        for (int n : new int[] {4, 16, 64}) {
            report.add(id(), "projected speed-up, " + n + " nodes", 1 / (serial + (1 - serial) / n), "x");
        }
    }

    /**
     * Wall seconds for {@code nodes} node processes to complete {@code jobs} copies of the source, all submitted at
     * once, and the CPU seconds the node processes used meanwhile. Node i is pinned to core i ({@code taskset}), so
     * that a node is one core however many threads it runs (its ingest and export workers would otherwise use the
     * other core beside its one-thread encoder, and one node would not be a one-core baseline).
     */
    private static EndToEndBench.Timing run(BenchEnv env, Path source, int jobs, int nodes) throws Exception {
        Path work = env.folder("scale-" + nodes);
        try (TestDatabases.Fresh db = TestDatabases.mariaDb()) {
            Map<String, Object> config = new HashMap<>();
            config.put("mpp.work.dir", work.resolve("work").toString());
            config.put("mpp.db.url", db.url());
            config.put("mpp.db.user", db.user());
            config.put("mpp.db.password", db.password());
            config.put("mpp.media.encoder-threads", 1);
            config.put("mpp.media.decoder-threads", 1);
            Config nodeConfig = ConfigFactory.parseMap(config);
            int cores = Runtime.getRuntime().availableProcessors();
            List<NodeProcess> started = new ArrayList<>();
            db.open(); // Migrated here, before the nodes start.
            try {
                for (int i = 0; i < nodes; i++) {
                    started.add(NodeProcess.start("node" + i, work.resolve("nodes"), nodeConfig, List.of("-Xmx1g"),
                            List.of("taskset", "-c", Integer.toString(i % cores))));
                }
                for (NodeProcess n : started) {
                    n.awaitRunning(Duration.ofMinutes(3));
                }
                Settings settings = Settings.from(nodeConfig.withFallback(ConfigFactory.defaultReference()));
                try (MppClient client = MppClient.create(db.open(), settings)) {
                    DefaultLadder.install(db.open(), env.defaults().ladder());
                    Path sources = Files.createDirectories(settings.work().sourceDir());
                    List<Path> uploads = new ArrayList<>();
                    for (int j = 0; j < jobs; j++) {
                        uploads.add(Files.copy(source, sources.resolve(String.format(Locale.ROOT, "job%02d.mp4", j))));
                    }
                    double cpu0 = cpuSeconds(started);
                    long t0 = System.nanoTime();
                    List<UUID> ids = new ArrayList<>();
                    for (Path u : uploads) {
                        ids.add(client.submit(u, 0));
                    }
                    for (UUID id : ids) {
                        JobView v = client.await(id, Duration.ofHours(1), x -> { });
                        if (!"complete".equals(v.statusName())) {
                            throw new IllegalStateException("job " + id + " ended " + v.statusName() + ": " + v);
                        }
                    }
                    double wall = (System.nanoTime() - t0) / 1e9;
                    double cpu = cpuSeconds(started) - cpu0;
                    System.out.printf(Locale.ROOT, "[bench] scale: %d node(s), %d jobs: %.1f s (nodes' CPU %.1f s)%n", nodes, jobs, wall, cpu);
                    return new EndToEndBench.Timing(wall, cpu);
                }
            } finally {
                for (NodeProcess n : started) {
                    n.close();
                }
            }
        }
    }

    /** CPU seconds the processes have used so far (utime + stime of {@code /proc/<pid>/stat}, 100 ticks a second). */
    private static double cpuSeconds(List<NodeProcess> processes) throws java.io.IOException {
        double sum = 0;
        for (NodeProcess p : processes) {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        }
        return sum;
    }
}
