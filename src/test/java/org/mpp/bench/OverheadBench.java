package org.mpp.bench;

import java.nio.file.Path;
import java.util.Map;
import org.mpp.PhaseTimes.Phase;

/**
 * Issue 5, part 2: where one node's time goes on one job (the main source, defaults of reference.conf), from the
 * node's own {@link org.mpp.PhaseTimes}: probe, integrity check, split, transcode (decode, scale and x264: the work
 * the ffmpeg CLI does too), concat, audio, mux, the workers' SQL, and the rest of the wall time (waiting: polling,
 * hand-over between stages, file moves). With one worker per stage the phases of one job run one after another, so
 * they add up to the wall time; with several transcode workers the transcode phase sums their times. Target: the node
 * time during which no transcode runs is at most 3 % of it.
 */
final class OverheadBench implements Section {
    static final double TARGET_SHARE = 0.03;
    static final double PACKAGE_TARGET_SHARE = 0.01;

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
        MppRun.warmUp(env);
        MppRun.Result r = MppRun.once(env, source, env.options().settings());
        double wall = r.timing().wall();
        double accounted = 0;
        report.add(id(), "node time (submit to complete)", wall, "s");
        for (Phase p : Phase.values()) {
            double s = r.phases().get(p);
            if (p == Phase.HEARTBEAT || p == Phase.IDLE_POLL || p == Phase.AUDIO_AHEAD) {
                String what = p == Phase.AUDIO_AHEAD ? "audio encoded ahead, during the transcodes" : p.name().toLowerCase() + " SQL";
                report.add(id(), what + " (beside the work, not counted)", s, "s");
                continue;
            }
            accounted += s;
            String name = p == Phase.TRANSCODE ? "transcode (summed over workers)" : p.name().toLowerCase();
            report.add(id(), name + " share", 100 * s / wall, "%", String.format(java.util.Locale.ROOT, "%.3f s", s));
        }
        double cover = r.transcodeCover();
        double beyond = (wall - cover) / wall;
        double waiting = Math.max(0, wall - cover - (accounted - r.phases().get(Phase.TRANSCODE)));
        report.add(id(), "waiting and other share (no phase running)", 100 * waiting / wall, "%",
                String.format(java.util.Locale.ROOT, "%.3f s; a lower bound where other phases overlap a transcode", waiting));
        report.add(id(), "wall time with a transcode running", 100 * cover / wall, "%", String.format(java.util.Locale.ROOT, "%.3f s", cover));
        report.target(id(), "everything but the transcode (no transcode running)", 100 * beyond, "%", "<= " + (int) (100 * TARGET_SHARE) + " %",
                beyond <= TARGET_SHARE);
        packaging(r, wall, report);
    }

    /**
     * Issue 12: the streaming package's share of the node time (cutting the CMAF tracks, poster and thumbnails, manifests:
     * the PACKAGE phase) and its disk cost beside the MP4 files it is cut from.
     */
    private void packaging(MppRun.Result r, double wall, Report report) throws java.io.IOException {
        double seconds = r.phases().get(Phase.PACKAGE) + r.phases().get(Phase.STILLS);
        report.target(id(), "streaming package (HLS + DASH, poster, thumbnails) share", 100 * seconds / wall, "%",
                "<= " + (int) (100 * PACKAGE_TARGET_SHARE) + " %", seconds / wall <= PACKAGE_TARGET_SHARE);
        long mp4 = 0;
        Path pkg = null;
        for (Path p : r.delivered()) {
            if (p.toString().endsWith(".mp4")) {
                mp4 += java.nio.file.Files.size(p);
            } else {
                pkg = p.getParent();
            }
        }
        if (pkg == null) {
            return;
        }
        long bytes;
        try (var files = java.nio.file.Files.walk(pkg)) {
            bytes = files.filter(java.nio.file.Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        report.add(id(), "streaming package on disk", bytes / 1048576.0, "MiB",
                String.format(java.util.Locale.ROOT, "%.1f %% of the MP4 files' %.1f MiB", 100.0 * bytes / mp4, mp4 / 1048576.0));
    }
}
