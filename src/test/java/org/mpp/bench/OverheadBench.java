package org.mpp.bench;

import java.nio.file.Path;
import java.util.Map;
import org.mpp.PhaseTimes.Phase;

/**
 * Issue 5, part 2: where one node's time goes on one job (the main source, defaults of reference.conf), from the
 * node's own {@link org.mpp.PhaseTimes}: probe, integrity check, split, transcode (decode, scale and x264: the work
 * the ffmpeg CLI does too), concat, audio, mux, the workers' SQL, and the rest of the wall time (waiting: polling,
 * hand-over between stages, file moves). With one worker per stage the phases of one job run one after another, so
 * they add up to the wall time. Target: everything but the transcode is at most 3 % of it.
 */
final class OverheadBench implements Section {
    static final double TARGET_SHARE = 0.03;

    @Override
    public String id() {
        return "overhead";
    }

    @Override
    public String title() {
        return "2. Overhead breakdown of one node";
    }

    @Override
    public void run(BenchEnv env, Report report) throws Exception {
        Path source = env.source();
        MppRun.Result r = MppRun.once(env, source, env.options().settings());
        double wall = r.timing().wall();
        double accounted = 0;
        report.add(id(), "node time (submit to complete)", wall, "s");
        for (Phase p : Phase.values()) {
            double s = r.phases().get(p);
            if (p == Phase.HEARTBEAT || p == Phase.IDLE_POLL) {
                report.add(id(), p.name().toLowerCase() + " SQL (beside the work, not counted)", s, "s");
                continue;
            }
            accounted += s;
            report.add(id(), p.name().toLowerCase() + " share", 100 * s / wall, "%", String.format(java.util.Locale.ROOT, "%.3f s", s));
        }
        double waiting = Math.max(0, wall - accounted);
        report.add(id(), "waiting and other share", 100 * waiting / wall, "%", String.format(java.util.Locale.ROOT, "%.3f s", waiting));
        double beyond = (wall - r.phases().get(Phase.TRANSCODE)) / wall;
        report.target(id(), "everything but the transcode", 100 * beyond, "%", "<= " + (int) (100 * TARGET_SHARE) + " %", beyond <= TARGET_SHARE);
    }
}
