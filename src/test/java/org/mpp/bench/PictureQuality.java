package org.mpp.bench;

import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_link;
import static org.mpp.bench.VideoFrames.check;

import java.util.Locale;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avfilter;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * PSNR and SSIM of a picture sequence against a reference, by libavfilter's {@code psnr} and {@code ssim} filters
 * in-process: two buffer sources (distorted, reference), the reference split in two, {@code psnr} then {@code ssim}
 * on the distorted stream, a buffer sink. Each filter writes its per-frame result into the metadata of the frame it
 * passes on ({@code lavfi.psnr.mse_avg}, {@code lavfi.psnr.mse.y}, {@code lavfi.ssim.All}); the averages are taken
 * here as the filters' own summaries take them: PSNR from the MSE averaged over frames, SSIM as the mean. 8-bit
 * yuv420p, frames numbered 0, 1, 2, ... by the caller. Not thread-safe.
 */
final class PictureQuality implements AutoCloseable {
    private AVFilterGraph graph;
    private final AVFilterContext distorted = new AVFilterContext();
    private final AVFilterContext reference = new AVFilterContext();
    private final AVFilterContext sink = new AVFilterContext();
    private final AVFrame out = avutil.av_frame_alloc();
    private long frames;
    private double mseSum;
    private double mseYSum;
    private double ssimSum;

    /** A meter for {@code width} x {@code height} yuv420p pictures; {@code threads} for the filters' slices. */
    PictureQuality(int width, int height, int threads) {
        graph = avfilter_graph_alloc();
        graph.nb_threads(threads);
        String args = String.format(Locale.ROOT, "video_size=%dx%d:pix_fmt=%d:time_base=1/30:pixel_aspect=1/1", width, height,
                avutil.AV_PIX_FMT_YUV420P);
        AVFilterContext split = new AVFilterContext();
        AVFilterContext psnr = new AVFilterContext();
        AVFilterContext ssim = new AVFilterContext();
        check(avfilter_graph_create_filter(distorted, avfilter_get_by_name("buffer"), "distorted", args, null, graph), "Creating a buffer source");
        check(avfilter_graph_create_filter(reference, avfilter_get_by_name("buffer"), "reference", args, null, graph), "Creating a buffer source");
        check(avfilter_graph_create_filter(split, avfilter_get_by_name("split"), "split", "2", null, graph), "Creating split");
        check(avfilter_graph_create_filter(psnr, avfilter_get_by_name("psnr"), "psnr", (String) null, null, graph), "Creating psnr");
        check(avfilter_graph_create_filter(ssim, avfilter_get_by_name("ssim"), "ssim", (String) null, null, graph), "Creating ssim");
        check(avfilter_graph_create_filter(sink, avfilter_get_by_name("buffersink"), "out", (String) null, null, graph), "Creating a buffer sink");
        check(avfilter_link(reference, 0, split, 0), "Linking the reference");
        check(avfilter_link(distorted, 0, psnr, 0), "Linking psnr's main input");
        check(avfilter_link(split, 0, psnr, 1), "Linking psnr's reference");
        check(avfilter_link(psnr, 0, ssim, 0), "Linking ssim's main input");
        check(avfilter_link(split, 1, ssim, 1), "Linking ssim's reference");
        check(avfilter_link(ssim, 0, sink, 0), "Linking the sink");
        check(avfilter_graph_config(graph, null), "Configuring the psnr/ssim graph");
    }

    /** Compares picture {@code index} of the distorted sequence with the reference (both left untouched). */
    void add(AVFrame picture, AVFrame ref, long index) {
        picture.pts(index);
        ref.pts(index);
        check(av_buffersrc_add_frame_flags(distorted, picture, avfilter.AV_BUFFERSRC_FLAG_KEEP_REF), "Feeding psnr/ssim");
        check(av_buffersrc_add_frame_flags(reference, ref, avfilter.AV_BUFFERSRC_FLAG_KEEP_REF), "Feeding psnr/ssim");
        drain();
    }

    /** Ends both sequences and collects the last results. */
    void finish() {
        check(av_buffersrc_add_frame_flags(distorted, null, 0), "Closing psnr/ssim's input");
        check(av_buffersrc_add_frame_flags(reference, null, 0), "Closing psnr/ssim's input");
        drain();
    }

    private void drain() {
        while (true) {
            int ret = av_buffersink_get_frame(sink, out);
            if (ret == avutil.AVERROR_EAGAIN() || ret == avutil.AVERROR_EOF) {
                return;
            }
            check(ret, "Pulling from psnr/ssim");
            mseSum += value("lavfi.psnr.mse_avg");
            mseYSum += value("lavfi.psnr.mse.y");
            ssimSum += value("lavfi.ssim.All");
            frames++;
            avutil.av_frame_unref(out);
        }
    }

    private double value(String key) {
        AVDictionaryEntry e = avutil.av_dict_get(out.metadata(), key, null, 0);
        if (e == null) {
            throw new IllegalStateException("The filters left no " + key + " on frame " + frames);
        }
        return Double.parseDouble(e.value().getString());
    }

    /** The averages so far. */
    record Score(long frames, double psnr, double psnrY, double ssim) {
    }

    Score score() {
        return new Score(frames, psnr(), psnrY(), ssim());
    }

    long frames() {
        return frames;
    }

    /** PSNR over all planes (weighted by their sizes) in dB, from the mean MSE. */
    double psnr() {
        return decibels(mseSum / frames);
    }

    /** PSNR of the luma plane in dB, from the mean MSE. */
    double psnrY() {
        return decibels(mseYSum / frames);
    }

    double ssim() {
        return ssimSum / frames;
    }

    private static double decibels(double mse) {
        return 10 * Math.log10(255.0 * 255.0 / mse);
    }

    @Override
    public void close() {
        if (graph != null) {
            avfilter_graph_free(graph);
            graph = null;
        }
        avutil.av_frame_free(out);
    }
}
