package org.mpp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 5, part 1: wall time from submit to the delivered ladder for one MPP node on the embedded database, against
 * the ffmpeg CLI encoding the same ladder in one process (decode once, {@code split}, same x264 settings, AAC) and
 * against our floor, a bare single-pass JavaCV program. The three run interleaved, {@link BenchEnv#runs()} times
 * each; medians and their ratios are reported. Each run also reports the CPU time it used, which tells a busy
 * machine's noise apart from real differences.
 */
final class EndToEndBench implements Section {
    /** MPP's wall-time budget relative to the ffmpeg CLI (issue 5). */
    static final double TARGET_RATIO = 1.05;

    @Override
    public String id() {
        return "e2e";
    }

    @Override
    public String title() {
        return "1. End to end: MPP node vs ffmpeg CLI vs single-pass JavaCV";
    }

    @Override
    public void run(BenchEnv env, Report report) throws Exception {
        Path source = env.source();
        Ladder ladder = Ladder.of(env, source);
        report.note(id(), "source " + source.getFileName() + " (" + Files.size(source) / 1024 + " KiB); ladder " + ladder.describe());
        Optional<Path> cli = env.ffmpegCli();
        if (cli.isEmpty()) {
            report.note(id(), "ffmpeg CLI not installed (bench/run installs Debian's ffmpeg when it can): no CLI comparison");
        } else {
            report.environment("ffmpegCli", FfmpegCli.version(cli.get()));
        }
        MppRun.warmUp(env);
        Map<String, List<Timing>> timings = new LinkedHashMap<>();
        for (int run = 1; run <= env.runs(); run++) {
            timings.computeIfAbsent("mpp", k -> new ArrayList<>()).add(MppRun.once(env, source, env.options().settings()).timing());
            if (cli.isPresent()) {
                timings.computeIfAbsent("ffmpeg", k -> new ArrayList<>()).add(FfmpegCli.once(cli.get(), env, source, ladder));
            }
            timings.computeIfAbsent("floor", k -> new ArrayList<>()).add(SinglePass.once(env, source, ladder));
            System.out.printf(Locale.ROOT, "[bench] e2e run %d: %s%n", run, timings.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().get(e.getValue().size() - 1)).toList());
        }
        Map<String, Double> median = new LinkedHashMap<>();
        timings.forEach((who, list) -> {
            double wall = median(list.stream().mapToDouble(Timing::wall).toArray());
            median.put(who, wall);
            report.add(id(), who + " wall (median of " + list.size() + ")", wall, "s", "runs " + list);
            report.add(id(), who + " CPU (median)", median(list.stream().mapToDouble(Timing::cpu).toArray()), "s");
        });
        if (median.containsKey("ffmpeg")) {
            double r = median.get("mpp") / median.get("ffmpeg");
            report.target(id(), "MPP / ffmpeg CLI wall", r, "x", "<= " + TARGET_RATIO, r <= TARGET_RATIO);
            report.add(id(), "floor / ffmpeg CLI wall", median.get("floor") / median.get("ffmpeg"), "x");
        }
        report.add(id(), "MPP / floor wall", median.get("mpp") / median.get("floor"), "x");
    }

    /** Wall and CPU seconds of one run. */
    record Timing(double wall, double cpu) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f s (cpu %.1f s)", wall, cpu);
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
