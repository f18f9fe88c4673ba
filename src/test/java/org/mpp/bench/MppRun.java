package org.mpp.bench;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.mpp.Mpp;
import org.mpp.PhaseTimes;
import org.mpp.store.JobView;

/**
 * One MPP node on the embedded database in a fresh work folder, with the defaults of reference.conf: the clock runs
 * from submit to the job's completion (all renditions delivered). Starting the node is not counted: a node is a
 * long-running service.
 */
final class MppRun {
    private MppRun() {
    }

    /**
     * A job's wall and CPU time, where the node's time went (seconds per phase, summed over workers) and the wall time
     * during which at least one transcode ran.
     */
    /** @param delivered the job's delivered files: the renditions, then the streaming package's manifests */
    record Result(EndToEndBench.Timing timing, Map<PhaseTimes.Phase, Double> phases, double transcodeCover, java.util.List<Path> delivered) {
    }

    private static boolean warmed;

    /**
     * A node is a long-running service: by the time an upload arrives, its JVM has compiled MPP's code. One untimed job
     * on a 10 s clip of the main source's size through a node, and one single-pass encode of it, put this JVM in that
     * state (once per JVM). Without it, JIT compilation ran beside the first timed job and took about 7 s of CPU from
     * it (perf, 2026-11-24); after a 640x360 warm-up it still took about 4 s.
     */
    static synchronized void warmUp(BenchEnv env) throws Exception {
        if (warmed) {
            return;
        }
        BenchOptions o = env.options();
        Path clip = env.tiny() ? env.source() : env.source(o.width(), o.height(), o.fps(), 10);
        once(env, clip, env.options().settings());
        SinglePass.once(env, clip, Ladder.of(env, clip));
        warmed = true;
    }

    /** One job through a fresh node whose config adds {@code overrides} (keys under mpp) to the defaults. */
    static Result once(BenchEnv env, Path source, Map<String, Object> overrides) throws Exception {
        Path work = env.folder("mpp");
        Map<String, Object> config = new java.util.HashMap<>(overrides);
        config.put("mpp.work.dir", work.toString());
        try (Mpp mpp = Mpp.create(ConfigFactory.parseMap(config))) {
            DefaultLadder.install(mpp.node().database(), env.defaults().ladder());
            Path upload = Files.copy(source, Files.createDirectories(work.resolve("source")).resolve(source.getFileName()));
            long cpu0 = SinglePass.cpuNanos();
            long jvm0 = jvmHousekeepingMillis();
            long t0 = System.nanoTime();
            UUID job = mpp.submit(upload);
            JobView done = mpp.await(job, Duration.ofHours(1), v -> { });
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (SinglePass.cpuNanos() - cpu0) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "[bench] mpp job: %.2f s wall, %.1f s CPU; JIT compilation + GC pauses in this JVM"
                    + " meanwhile %.1f s%n", wall, cpu, (jvmHousekeepingMillis() - jvm0) / 1e3);
            if (!"complete".equals(done.statusName())) {
                throw new IllegalStateException("MPP job " + job + " ended " + done.statusName() + ": " + done);
            }
            PhaseTimes times = mpp.node().phaseTimes();
            return new Result(new EndToEndBench.Timing(wall, cpu), times.seconds(), times.transcodeCoverSeconds(),
                    done.deliveredFiles().lines().map(Path::of).toList());
        }
    }

    /** Milliseconds this JVM has spent compiling (all JIT threads) and in GC, so far. */
    static long jvmHousekeepingMillis() {
        long ms = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }
}
