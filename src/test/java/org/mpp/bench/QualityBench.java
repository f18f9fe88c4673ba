package org.mpp.bench;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.Mpp;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.store.JobView;
import org.mpp.store.Status;

/**
 * Issue 5, quality parity: what cutting into segments costs. MPP (in-process, embedded H2) encodes the main source
 * into the default ladder, 10 s segments each with a fresh encoder; the same source is then encoded per rendition
 * in one pass with the same scaler and x264 settings ({@link UnchunkedEncode}). For each rendition: the video
 * stream's size and PSNR/SSIM against the source scaled the same way ({@link PictureQuality}), chunked versus
 * unchunked. Targets: size within ±5 %, PSNR within 0.3 dB.
 */
final class QualityBench implements Section {
    private static final double SIZE_LIMIT_PERCENT = 5;
    private static final double PSNR_LIMIT_DB = 0.3;

    @Override
    public String id() {
        return "quality";
    }

    @Override
    public String title() {
        return "Quality parity: chunked output versus an unchunked encode at the same CRF";
    }

    @Override
    public void run(BenchEnv env, Report report) throws Exception {
        Path source = env.source();
        Path folder = env.folder("quality");
        // x264's output depends on its thread count: both encodes use the count a node with one transcode worker
        // picks by default (all cores), set explicitly so that the two cannot differ.
        int threads = Runtime.getRuntime().availableProcessors();
        double gopSeconds = env.defaults().media().gopSeconds();

        long t0 = System.nanoTime();
        JobView done;
        try (Mpp mpp = Mpp.create(ConfigFactory.parseMap(Map.of("mpp.work.dir", folder.resolve("work").toString(),
                "mpp.media.encoder-threads", threads)))) {
            DefaultLadder.install(mpp.node().database(), env.defaults().ladder());
            UUID job = mpp.submit(source);
            done = mpp.await(job, Duration.ofHours(2), v -> { });
        }
        if (done.status() != Status.COMPLETE) {
            throw new IllegalStateException("MPP's job ended " + done.statusName() + ": " + done.failureReason());
        }
        report.add(id(), "MPP job wall time (chunked encode)", (System.nanoTime() - t0) / 1e9, "s");

        List<Rendition> plan = plan(source, env);
        List<Path> chunked = new ArrayList<>();
        List<Path> unchunked = new ArrayList<>();
        List<String> delivered = done.deliveredFiles().lines().toList();
        for (Rendition r : plan) {
            chunked.add(delivered.stream().map(Path::of).filter(p -> p.getFileName().toString().equals(r.fileName())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("MPP delivered no " + r.fileName() + ": " + delivered)));
            unchunked.add(folder.resolve("unchunked-" + r.fileName()));
        }
        t0 = System.nanoTime();
        long frames = UnchunkedEncode.encode(source, plan, unchunked, gopSeconds, threads);
        report.add(id(), "unchunked encode wall time", (System.nanoTime() - t0) / 1e9, "s");

        t0 = System.nanoTime();
        List<PictureQuality.Score[]> quality = measure(source, plan, chunked, unchunked, frames, threads);
        report.add(id(), "PSNR/SSIM measurement wall time", (System.nanoTime() - t0) / 1e9, "s");

        for (int i = 0; i < plan.size(); i++) {
            String r = plan.get(i).label() + " " + plan.get(i).width() + "x" + plan.get(i).height();
            PictureQuality.Score c = quality.get(i)[0];
            PictureQuality.Score u = quality.get(i)[1];
            long cBytes = VideoFrames.videoBytes(chunked.get(i));
            long uBytes = VideoFrames.videoBytes(unchunked.get(i));
            double sizeDiff = 100.0 * (cBytes - uBytes) / uBytes;
            double psnrDiff = c.psnr() - u.psnr();
            report.add(id(), r + ": video stream, chunked", cBytes / 1048576.0, "MiB");
            report.add(id(), r + ": video stream, unchunked", uBytes / 1048576.0, "MiB");
            report.target(id(), r + ": size chunked vs unchunked", sizeDiff, "%", "within ±" + (int) SIZE_LIMIT_PERCENT + " %",
                    Math.abs(sizeDiff) <= SIZE_LIMIT_PERCENT);
            report.add(id(), r + ": PSNR, chunked", c.psnr(), "dB");
            report.add(id(), r + ": PSNR, unchunked", u.psnr(), "dB");
            report.target(id(), r + ": PSNR chunked minus unchunked", psnrDiff, "dB", "within ±" + PSNR_LIMIT_DB + " dB",
                    Math.abs(psnrDiff) <= PSNR_LIMIT_DB);
            report.add(id(), r + ": SSIM, chunked", c.ssim(), "");
            report.add(id(), r + ": SSIM, unchunked", u.ssim(), "");
            report.note(id(), String.format(Locale.ROOT, "%s: %d frames compared; luma PSNR chunked %.3f dB, unchunked %.3f dB; "
                    + "SSIM chunked minus unchunked %.5f", r, c.frames(), c.psnrY(), u.psnrY(), c.ssim() - u.ssim()));
        }
        report.note(id(), String.format(Locale.ROOT, "source %s; MPP's segments about %.0f s, each from a fresh encoder; x264 threads %d "
                + "in both encodes; %d-frame GOPs; PSNR over Y, U and V weighted by plane size, from the MSE averaged over frames; "
                + "reference = source scaled with bicubic swscale as MPP does", source.getFileName(), env.defaults().media().segmentSeconds(),
                threads, Math.round(gopSeconds * plan.get(0).frameRate().toDouble())));
    }

    /** The renditions MPP plans for the source under the default ladder. */
    private static List<Rendition> plan(Path source, BenchEnv env) {
        try (VideoFrames v = VideoFrames.open(source, 1)) {
            String name = source.getFileName().toString();
            String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
            return RenditionPlanner.plan(stem, v.width(), v.height(), v.frameRate(), env.defaults().ladder());
        }
    }

    /**
     * Decodes the source and every output in step: picture k of each output is compared with source picture k scaled
     * to the output's size. Fails when any output has a different number of pictures than the source.
     *
     * @return per rendition, the chunked and the unchunked scores
     */
    private static List<PictureQuality.Score[]> measure(Path source, List<Rendition> plan, List<Path> chunked, List<Path> unchunked,
            long sourceFrames, int threads) {
        int n = plan.size();
        List<PictureQuality[]> meters = new ArrayList<>();
        List<PictureQuality.Score[]> scores = new ArrayList<>();
        List<AutoCloseable> open = new ArrayList<>();
        AVFrame src = avutil.av_frame_alloc();
        AVFrame[] c = new AVFrame[n];
        AVFrame[] u = new AVFrame[n];
        try {
            VideoFrames in = track(open, VideoFrames.open(source, threads));
            ScaleChain[] scale = new ScaleChain[n];
            VideoFrames[] cIn = new VideoFrames[n];
            VideoFrames[] uIn = new VideoFrames[n];
            for (int i = 0; i < n; i++) {
                Rendition r = plan.get(i);
                scale[i] = track(open, new ScaleChain(r.width(), r.height()));
                cIn[i] = track(open, VideoFrames.open(chunked.get(i), threads));
                uIn[i] = track(open, VideoFrames.open(unchunked.get(i), threads));
                meters.add(new PictureQuality[] {track(open, new PictureQuality(r.width(), r.height(), threads)),
                    track(open, new PictureQuality(r.width(), r.height(), threads))});
                c[i] = avutil.av_frame_alloc();
                u[i] = avutil.av_frame_alloc();
            }
            long k = 0;
            while (in.next(src)) {
                for (int i = 0; i < n; i++) {
                    AVFrame ref = scale[i].apply(src);
                    if (!cIn[i].next(c[i]) || !uIn[i].next(u[i])) {
                        throw new IllegalStateException(plan.get(i).label() + ": an output ended at picture " + k + " of the source's "
                                + sourceFrames + " (chunked " + chunked.get(i) + ", unchunked " + unchunked.get(i) + ")");
                    }
                    meters.get(i)[0].add(c[i], ref, k);
                    meters.get(i)[1].add(u[i], ref, k);
                }
                k++;
            }
            for (int i = 0; i < n; i++) {
                if (cIn[i].next(c[i]) || uIn[i].next(u[i])) {
                    throw new IllegalStateException(plan.get(i).label() + ": an output has more pictures than the source's " + k);
                }
                meters.get(i)[0].finish();
                meters.get(i)[1].finish();
                for (PictureQuality q : meters.get(i)) {
                    if (q.frames() != k) {
                        throw new IllegalStateException(plan.get(i).label() + ": compared " + q.frames() + " pictures of " + k);
                    }
                }
                scores.add(new PictureQuality.Score[] {meters.get(i)[0].score(), meters.get(i)[1].score()});
            }
            return scores;
        } finally {
            for (AutoCloseable a : open) {
                try {
                    a.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            avutil.av_frame_free(src);
            for (int i = 0; i < n; i++) {
                if (c[i] != null) {
                    avutil.av_frame_free(c[i]);
                    avutil.av_frame_free(u[i]);
                }
            }
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> open, T resource) {
        open.add(resource);
        return resource;
    }
}
