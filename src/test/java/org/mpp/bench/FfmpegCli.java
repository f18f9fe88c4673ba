package org.mpp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mpp.ladder.Rendition;

/**
 * The reference a user would otherwise script: one ffmpeg process that decodes the source once, splits the picture
 * into the ladder's sizes (bicubic, as MPP scales) and encodes each with the same x264 settings, plus AAC audio, to
 * faststart MP4 files. Only the benchmark runs it; MPP itself never starts an ffmpeg binary.
 */
final class FfmpegCli {
    private static final Pattern BENCH = Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s rtime=([0-9.]+)s");

    private FfmpegCli() {
    }

    static String version(Path ffmpeg) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ffmpeg.toString(), "-hide_banner", "-version").redirectErrorStream(true).start();
        String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
        p.waitFor();
        return first;
    }

    static List<String> command(Path ffmpeg, Path source, Ladder ladder, Path outDir) {
        List<Rendition> r = ladder.renditions();
        StringBuilder graph = new StringBuilder("[0:v]split=" + r.size());
        for (int i = 0; i < r.size(); i++) {
            graph.append("[s").append(i).append(']');
        }
        for (int i = 0; i < r.size(); i++) {
            graph.append(String.format(Locale.ROOT, ";[s%d]scale=%d:%d:flags=bicubic,setsar=1,format=yuv420p[v%d]", i, r.get(i).width(),
                    r.get(i).height(), i));
        }
        List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-loglevel", "info", "-nostats", "-benchmark", "-y",
                "-i", source.toString(), "-filter_complex", graph.toString()));
        for (int i = 0; i < r.size(); i++) {
            Rendition x = r.get(i);
            cmd.addAll(List.of("-map", "[v" + i + "]", "-map", "0:a:0?", "-c:v", "libx264", "-crf", Integer.toString(x.spec().crf()),
                    "-preset", x.spec().preset(), "-profile:v", x.spec().profile(), "-x264-params", ladder.x264Params(),
                    "-c:a", "aac", "-b:a", x.spec().audioBitrate() + "k", "-movflags", "+faststart",
                    outDir.resolve(x.fileName()).toString()));
        }
        return cmd;
    }

    static EndToEndBench.Timing once(Path ffmpeg, BenchEnv env, Path source, Ladder ladder) throws IOException, InterruptedException {
        Path out = env.folder("ffmpeg");
        List<String> cmd = command(ffmpeg, source, ladder, out);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) {
            throw new IOException("ffmpeg exited " + rc + ": " + String.join(" ", cmd) + "\n" + log);
        }
        for (Rendition r : ladder.renditions()) {
            if (!Files.isRegularFile(out.resolve(r.fileName()))) {
                throw new IOException("ffmpeg wrote no " + r.fileName());
            }
        }
        Matcher m = BENCH.matcher(log);
        double cpu = m.find() ? Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2)) : Double.NaN;
        return new EndToEndBench.Timing(wall, cpu);
    }
}
