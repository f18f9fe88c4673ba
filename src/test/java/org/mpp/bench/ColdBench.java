package org.mpp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mpp.config.Settings;
import org.mpp.ladder.OutputSpec;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;
import org.mpp.testnode.NodeProcess;

/**
 * Issue 13: MPP as a user runs it, against the ffmpeg CLI in the same sitting. Each MPP run is a new JVM ({@code mpp run
 * FILE} on the embedded database, in a fresh folder, default heap), so start-up, the database's creation, the hand-offs
 * between stages and the streaming package all count; the CLI encodes the seed ladder (1080p and 720p, CRF 23, superfast,
 * main, AAC 128k) with the same x264 settings. Interleaved, medians. Two clips: 30 s 1080p30 (target 1.05 x the CLI) and
 * 1 s 720p30 (target 5 x: start-up and hand-offs, not encoding). Beside them, in this JVM (warm), the single-pass JavaCV
 * program on the same clip and ladder (SinglePass: decode once, one recorder per rendition): the same FFmpeg and x264
 * natives that MPP runs with no orchestration, start-up or package at all, the floor of any MPP run. And, where it runs
 * here, the same CLI command run by the ffmpeg program of bytedeco's build ({@link BenchEnv#nativesCli}): MPP's natives
 * with no JVM at all, which splits a gap to the system's CLI into what the natives cost and what MPP adds.
 */
final class ColdBench implements Section {
    /** The database's seed ladder (schema/V1__seed.sql), which {@code mpp run} on a new embedded database uses. */
    static final List<OutputSpec> SEED = List.of(new OutputSpec(1920, 1080, 23, "superfast", "main", 60, 128),
            new OutputSpec(1280, 720, 23, "superfast", "main", 60, 128));

    @Override
    public String id() {
        return "cold";
    }

    @Override
    public String title() {
        return "7. Cold runs as a user makes them: mpp run (new JVM) vs ffmpeg CLI";
    }

    /**
     * {@code mpp ARGS} as a user starts it: {@code target/mpp} (see src/main/launcher), else java on the test classpath
     * ({@link NodeProcess#cli}).
     */
    static ProcessBuilder mpp(List<String> args) {
        Path script = Path.of(System.getProperty("mpp.bench.build", "target"), "mpp").toAbsolutePath();
        if (!Files.isExecutable(script)) {
            return NodeProcess.cli(List.of(), List.of(), args);
        }
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    @Override
    public void run(BenchEnv env, Report report) throws Exception {
        report.note(id(), "launcher: " + String.join(" ", mpp(List.of()).command()));
        Optional<Path> cli = env.ffmpegCli();
        if (cli.isEmpty()) {
            report.note(id(), "ffmpeg CLI not installed: no cold comparison");
            return;
        }
        Optional<Path> natives = env.nativesCli();
        report.note(id(), natives.map(p -> "MPP's natives as a CLI: " + p).orElse("MPP's natives as a CLI: not available here"));
        if (env.tiny()) {
            clip(env, report, cli.get(), natives, env.source(320, 180, 30, 1), "tiny clip", 1000);
            return;
        }
        clip(env, report, cli.get(), natives, env.source(1920, 1080, 30, 30), "30 s 1080p30", 1.05);
        clip(env, report, cli.get(), natives, env.source(1280, 720, 30, 1), "1 s 720p30", 5);
    }

    private void clip(BenchEnv env, Report report, Path ffmpeg, Optional<Path> natives, Path source, String name, double target)
            throws Exception {
        Settings defaults = env.defaults();
        MediaInfo info = new MediaEngine(defaults.media()).probe(source, Cancellation.none());
        List<Rendition> renditions = RenditionPlanner.plan("bench", info.video().displayWidth(), info.video().displayHeight(),
                info.video().nominalFrameRate(), SEED);
        int fps = (int) Math.round(renditions.get(0).frameRate().toDouble());
        Ladder ladder = new Ladder(renditions, (int) Math.max(1, Math.round(fps * defaults.media().gopSeconds())), fps);
        List<Double> mpp = new ArrayList<>();
        List<Double> ffmpegWall = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        List<Double> nativesWall = new ArrayList<>();
        for (int run = 1; run <= env.runs(); run++) {
            mpp.add(coldRun(env, source, run));
            ffmpegWall.add(FfmpegCli.once(ffmpeg, env, source, ladder).wall());
            if (natives.isPresent()) {
                nativesWall.add(FfmpegCli.once(natives.get(), env, source, ladder).wall());
            }
            floor.add(SinglePass.once(env, source, ladder).wall());
            System.out.printf(Locale.ROOT, "[bench] cold %s run %d: mpp %.2f s, ffmpeg %.2f s, %sfloor %.2f s%n", name, run,
                    mpp.get(run - 1), ffmpegWall.get(run - 1),
                    natives.isPresent() ? String.format(Locale.ROOT, "ffmpeg on MPP's natives %.2f s, ", nativesWall.get(run - 1)) : "",
                    floor.get(run - 1));
        }
        double m = EndToEndBench.median(mpp.stream().mapToDouble(Double::doubleValue).toArray());
        double f = EndToEndBench.median(ffmpegWall.stream().mapToDouble(Double::doubleValue).toArray());
        report.add(id(), name + ": mpp run wall (median)", m, "s", "runs " + mpp);
        report.add(id(), name + ": ffmpeg CLI wall (median)", f, "s", "runs " + ffmpegWall);
        double fl = EndToEndBench.median(floor.stream().mapToDouble(Double::doubleValue).toArray());
        report.add(id(), name + ": single-pass JavaCV floor, warm JVM (median)", fl, "s", "runs " + floor);
        report.add(id(), name + ": floor / ffmpeg CLI wall", fl / f, "x", "what the natives alone cost against the CLI's");
        if (!nativesWall.isEmpty()) {
            double n = EndToEndBench.median(nativesWall.stream().mapToDouble(Double::doubleValue).toArray());
            report.add(id(), name + ": ffmpeg CLI on MPP's natives, wall (median)", n, "s", "runs " + nativesWall);
            report.add(id(), name + ": ffmpeg on MPP's natives / ffmpeg CLI wall", n / f, "x",
                    "the same command, bytedeco's FFmpeg and x264 against the system's: what the natives cost");
            report.add(id(), name + ": mpp run / ffmpeg on MPP's natives wall", m / n, "x", "what MPP adds to its natives");
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < mpp.size(); i++) {
            ratios.add(mpp.get(i) / ffmpegWall.get(i));
        }
        report.target(id(), name + ": mpp run / ffmpeg CLI wall", m / f, "x", "<= " + target, m / f <= target);
        report.add(id(), name + ": ratio per interleaved run", EndToEndBench.median(ratios.stream().mapToDouble(Double::doubleValue).toArray()),
                "x", "runs " + ratios.stream().map(r -> String.format(Locale.ROOT, "%.3f", r)).toList());
    }

    /**
     * Wall seconds of {@code mpp run SOURCE} in a new JVM and a fresh folder, as a user starts it: the start script that
     * {@code mvn package} installs beside the jar (bench/run builds it), or where there is none (the test suite's smoke
     * run) java on the test classpath.
     */
    private static double coldRun(BenchEnv env, Path source, int run) throws IOException, InterruptedException {
        Path dir = env.folder("cold-mpp-" + run + "-" + System.nanoTime());
        ProcessBuilder pb = mpp(List.of("run", source.toAbsolutePath().toString())).directory(dir.toFile()).redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e9;
        if (rc != 0 || log.lines().noneMatch(l -> l.endsWith(".mp4") && Files.isRegularFile(dir.resolve(l.strip())))) {
            throw new IOException("mpp run exited " + rc + " without a delivered rendition:\n" + log);
        }
        return wall;
    }
}
