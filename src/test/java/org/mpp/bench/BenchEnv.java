package org.mpp.bench;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.mpp.config.Settings;

/**
 * What every section shares: the run's options, the source clip, a scratch folder and the ffmpeg CLI when one is
 * installed. {@link #tiny()} is the CI smoke mode: a small source and few repetitions, figures meaningless, every
 * code path exercised.
 */
final class BenchEnv {
    private final BenchOptions options;
    private final Path scratch;

    BenchEnv(BenchOptions options) throws IOException {
        this.options = options;
        this.scratch = Files.createTempDirectory("mpp-bench-");
    }

    BenchOptions options() {
        return options;
    }

    boolean tiny() {
        return options.tiny();
    }

    /** Repetitions of a timed measurement (median reported). */
    int runs() {
        return options.runs();
    }

    /** The main source clip (1920x1080, 30 fps, 60 s, stereo, unless the options say otherwise). */
    Path source() throws IOException {
        return BenchSource.get(options.cache(), options.width(), options.height(), options.fps(), options.seconds());
    }

    /** A clip of another shape (for the small-jobs memory run, say), cached like the main one. */
    Path source(int width, int height, int fps, double seconds) throws IOException {
        return BenchSource.get(options.cache(), width, height, fps, seconds);
    }

    /** A new empty folder under this run's scratch folder. */
    Path folder(String name) throws IOException {
        return Files.createTempDirectory(scratch, name + "-");
    }

    /** The defaults of reference.conf (ladder, media and node settings), as a node without application.conf reads them. */
    Settings defaults() {
        return Settings.from(ConfigFactory.defaultReference().resolve());
    }

    /** The ffmpeg command-line program, when installed (it is only a reference: MPP never runs it). */
    Optional<Path> ffmpegCli() {
        return Stream.of(System.getenv("PATH").split(":")).map(p -> Path.of(p, "ffmpeg")).filter(Files::isExecutable).findFirst();
    }

    /**
     * The ffmpeg command-line program built from the natives MPP runs in-process: bytedeco's GPL build ships it in the jar
     * MPP already depends on, beside the libraries. Running the CLI's command with it tells, in the same sitting, how much of
     * a gap to the system's CLI is those natives (another FFmpeg and x264 build) and how much is MPP. Empty where it cannot
     * be extracted or does not run here. Only the benchmark runs it.
     */
    Optional<Path> nativesCli() {
        try {
            String path = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
            Path program = path == null ? null : Path.of(path);
            if (program == null || !Files.isExecutable(program)) {
                return Optional.empty();
            }
            Process p = new ProcessBuilder(program.toString(), "-hide_banner", "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? Optional.of(program) : Optional.empty();
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    void deleteScratch() throws IOException {
        try (Stream<Path> s = Files.walk(scratch)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
