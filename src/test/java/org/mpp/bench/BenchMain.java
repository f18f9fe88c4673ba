package org.mpp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Issue 5's benchmark: runs every section (or those named by {@code --only}) one after another, prints the table and
 * writes {@code results.json} and {@code results.md} to the output folder. Run it with {@code bench/run} (see
 * {@link BenchOptions} for the options). A section that fails is reported and the others still run; the exit status
 * is 1 when any failed.
 */
public final class BenchMain {
    private BenchMain() {
    }

    static List<Section> sections() {
        return List.of(new EndToEndBench(), new OverheadBench(), new ScaleOutBench(), new ClaimBench(), new MemoryBench(), new QualityBench(),
                new ColdBench(), new LongJobBench());
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(BenchOptions.parse(args)) ? 0 : 1);
    }

    /** Runs the benchmark; true when every section ran to its end. */
    static boolean run(BenchOptions options) throws Exception {
        Report report = new Report();
        describeMachine(report, options);
        BenchEnv env = new BenchEnv(options);
        boolean ok = true;
        try {
            for (Section s : sections()) {
                if (!options.wants(s.id())) {
                    continue;
                }
                System.out.println("[bench] === " + s.title() + " ===");
                long t0 = System.nanoTime();
                try {
                    s.run(env, report);
                } catch (Exception | AssertionError e) {
                    ok = false;
                    e.printStackTrace();
                    report.note(s.id(), "FAILED: " + e);
                }
                report.add(s.id(), "section wall time", (System.nanoTime() - t0) / 1e9, "s");
            }
        } finally {
            env.deleteScratch();
        }
        report.print(System.out);
        Files.createDirectories(options.out());
        report.write(options.out().resolve("results.json"));
        try (PrintStream md = new PrintStream(options.out().resolve("results.md").toFile(), "UTF-8")) {
            report.print(md);
        }
        System.out.println("[bench] results in " + options.out().toAbsolutePath());
        return ok;
    }

    private static void describeMachine(Report report, BenchOptions options) {
        report.environment("date", Instant.now().toString());
        report.environment("options", options.toString());
        report.environment("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        report.environment("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        report.environment("cores", Runtime.getRuntime().availableProcessors());
        report.environment("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        report.environment("cpu", cpuModel());
        report.environment("ffmpegLibraries", avutil.av_version_info().getString());
        report.environment("loadAverageAtStart", loadAverage());
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "?";
        }
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f", s);
    }
}
