package org.mpp.bench;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.mpp.Mpp;
import org.mpp.store.JobView;
import org.mpp.store.Status;

/**
 * Issue 13: one long job through one node (reference.conf's settings, every core), and the part of it that no other node
 * could speed up: the split before its first segment can be claimed (submit until the node's first transcode claim: the
 * ingest queues each segment as soon as it is cut) and the join
 * after its last segment is encoded (until complete). Serial share f = (split + join) / the job's wall time; Amdahl's
 * projection for n nodes is 1 / (f + (1 - f) / n). Target: f <= 2 %, which projects >= 12 x at 16 nodes. The times are
 * when this JVM saw the job's status change (its node wakes the watcher when a task ends). A node is a long-running
 * service: one untimed job of a 10 s clip through the same node first compiles MPP's code, as a node's earlier jobs
 * would have (without it the first job's split ran interpreted: 2.1 s of the 120 s job's 2.6 s).
 */
final class LongJobBench implements Section {
    static final double TARGET_PERCENT = 2;

    @Override
    public String id() {
        return "longjob";
    }

    @Override
    public String title() {
        return "8. One long job on one node: its serial share (split + join) and Amdahl's projection";
    }

    @Override
    public void run(BenchEnv env, Report report) throws Exception {
        Path source = env.tiny() ? env.source() : env.source(1920, 1080, 30, env.options().longSeconds());
        report.note(id(), "one job of " + source.getFileName() + ", one node with reference.conf's settings, the default ladder");
        Path work = env.folder("longjob");
        Map<Integer, Long> seen = new HashMap<>();
        long t0;
        long firstClaim;
        JobView done;
        Map<org.mpp.PhaseTimes.Phase, Double> phases;
        try (Mpp mpp = Mpp.create(ConfigFactory.parseMap(Map.of("mpp.work.dir", work.toString())))) {
            DefaultLadder.install(mpp.node().database(), env.defaults().ladder());
            Path uploads = Files.createDirectories(work.resolve("source"));
            if (!env.tiny()) {
                Path warm = Files.copy(env.source(1920, 1080, 30, 10), uploads.resolve("warm-up.mp4"));
                mpp.await(mpp.submit(warm), Duration.ofHours(1), v -> { });
            }
            Map<org.mpp.PhaseTimes.Phase, Double> before = mpp.node().phaseTimes().seconds();
            Path upload = Files.copy(source, uploads.resolve(source.getFileName()));
            ClaimWatch firstSegment = ClaimWatch.start("transcode");
            t0 = System.nanoTime();
            UUID job = mpp.submit(upload);
            done = mpp.await(job, Duration.ofHours(4), v -> seen.putIfAbsent(v.status(), System.nanoTime()));
            firstClaim = firstSegment.stop();
            phases = new java.util.EnumMap<>(org.mpp.PhaseTimes.Phase.class);
            mpp.node().phaseTimes().seconds().forEach((p, sec) -> phases.put(p, sec - before.getOrDefault(p, 0.0)));
        }
        long end = seen.getOrDefault(Status.COMPLETE, System.nanoTime());
        if (done.status() != Status.COMPLETE) {
            throw new IllegalStateException("the long job ended " + done.statusName() + ": " + done.failureReason());
        }
        long ingestEnd = firstAtOrAfter(seen, Status.TRANSCODING, end);
        long joinStart = firstAtOrAfter(seen, Status.TRANSCODED, end);
        double wall = (end - t0) / 1e9;
        // The ingest queues each segment as it is cut: the first one is claimed while the cut goes on.
        double split = ((firstClaim > 0 ? firstClaim : ingestEnd) - t0) / 1e9;
        double join = (end - joinStart) / 1e9;
        double f = (split + join) / wall;
        report.add(id(), "job wall, one node", wall, "s");
        report.add(id(), "split: submit until the first segment can be claimed", split, "s",
                String.format(Locale.ROOT, "%.2f %% of the wall", 100 * split / wall));
        report.add(id(), "ingest: submit until the cut has ended (segments are transcoded meanwhile)", (ingestEnd - t0) / 1e9, "s");
        report.add(id(), "join: last segment encoded until complete", join, "s",
                String.format(Locale.ROOT, "%.2f %% of the wall", 100 * join / wall));
        report.target(id(), "serial share (split + join) / wall", 100 * f, "%", "<= " + TARGET_PERCENT, 100 * f <= TARGET_PERCENT);
        report.note(id(), "where the node's time went in the long job (s, summed over workers): " + phases);
        for (int n : new int[] {2, 16, 64}) {
            report.add(id(), "projected speed-up, " + n + " nodes", 1 / (f + (1 - f) / n), "x");
        }
    }

    /**
     * Watches this process's count of claimed tasks of a stage ({@code mpp.claims}, which nodes record in Micrometer's
     * global registry) on a thread of its own, every millisecond, for the first claim after {@link #start}.
     */
    private static final class ClaimWatch {
        private final Thread thread;
        private volatile long at;
        private volatile boolean stopped;

        private ClaimWatch(String stage) {
            io.micrometer.core.instrument.Metrics.addRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            java.util.function.DoubleSupplier count = () -> {
                var c = io.micrometer.core.instrument.Metrics.globalRegistry.find("mpp.claims").tag("stage", stage).counter();
                return c == null ? 0 : c.count();
            };
            double before = count.getAsDouble();
            thread = new Thread(() -> {
                while (!stopped && at == 0) {
                    if (count.getAsDouble() > before) {
                        at = System.nanoTime();
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }, "bench-claim-watch");
            thread.setDaemon(true);
            thread.start();
        }

        static ClaimWatch start(String stage) {
            return new ClaimWatch(stage);
        }

        /** When the first claim was seen (System.nanoTime), or 0 if none was. */
        long stop() throws InterruptedException {
            stopped = true;
            thread.join();
            return at;
        }
    }

    /** When the job was first seen in {@code status} or a later one (a quick stage may pass unseen). */
    private static long firstAtOrAfter(Map<Integer, Long> seen, int status, long otherwise) {
        return seen.entrySet().stream().filter(e -> e.getKey() >= status && e.getKey() != Status.FAILED).mapToLong(Map.Entry::getValue)
                .min().orElse(otherwise);
    }
}
