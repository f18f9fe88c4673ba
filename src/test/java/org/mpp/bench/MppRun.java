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

    /** A job's wall and CPU time, and where the node's time went (seconds per phase). */
    record Result(EndToEndBench.Timing timing, Map<PhaseTimes.Phase, Double> phases) {
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
            long t0 = System.nanoTime();
            UUID job = mpp.submit(upload);
            JobView done = mpp.await(job, Duration.ofHours(1), v -> { });
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (SinglePass.cpuNanos() - cpu0) / 1e9;
            if (!"complete".equals(done.statusName())) {
                throw new IllegalStateException("MPP job " + job + " ended " + done.statusName() + ": " + done);
            }
            return new Result(new EndToEndBench.Timing(wall, cpu), mpp.node().phaseTimes().seconds());
        }
    }
}
