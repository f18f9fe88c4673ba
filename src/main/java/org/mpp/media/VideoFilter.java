package org.mpp.media;

import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_parse_ptr;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_free;

import java.util.Locale;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avfilter;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Pointer;

/**
 * A one-in, one-out libavfilter chain (rotate, scale, pixel format) for decoded video frames. Frames keep
 * their own timestamps: the caller decides which output slot each frame fills. Rebuilds itself when the input
 * size or pixel format changes mid-stream. Not thread-safe.
 */
final class VideoFilter implements AutoCloseable {
    private final String chain;
    private final int threads;
    private AVFilterGraph graph;
    private AVFilterContext src;
    private AVFilterContext sink;
    private int inWidth;
    private int inHeight;
    private int inFormat;
    private final AVFrame out = avutil.av_frame_alloc();

    /** @param chain a filter chain such as "transpose=clock,scale=640:360:flags=bicubic,format=yuv420p" */
    VideoFilter(String chain, int threads) {
        this.chain = chain;
        this.threads = threads;
    }

    /** The chain that turns a picture stored with {@code rotation} into an upright, even-sized yuv420p picture. */
    static String uprightScaled(int rotation, int width, int height) {
        String turn = switch (rotation) {
            case 90 -> "transpose=clock,";
            case 180 -> "hflip,vflip,";
            case 270 -> "transpose=cclock,";
            default -> "";
        };
        return String.format(Locale.ROOT, "%sscale=%d:%d:flags=bicubic,setsar=1,format=yuv420p", turn, width, height);
    }

    /** Filters {@code in} (left untouched) and returns the result, valid until the next call or close. */
    AVFrame apply(AVFrame in) {
        if (graph == null || in.width() != inWidth || in.height() != inHeight || in.format() != inFormat) {
            build(in);
        }
        Ffmpeg.check(av_buffersrc_add_frame_flags(src, in, avfilter.AV_BUFFERSRC_FLAG_KEEP_REF), "Feeding the video filter");
        avutil.av_frame_unref(out);
        Ffmpeg.check(av_buffersink_get_frame(sink, out), "Pulling from the video filter (" + chain + ")");
        return out;
    }

    private void build(AVFrame in) {
        free();
        inWidth = in.width();
        inHeight = in.height();
        inFormat = in.format();
        graph = avfilter_graph_alloc();
        graph.nb_threads(threads);
        int sarNum = Math.max(1, in.sample_aspect_ratio().num());
        int sarDen = Math.max(1, in.sample_aspect_ratio().den());
        String args = String.format(Locale.ROOT, "video_size=%dx%d:pix_fmt=%d:time_base=1/1000000:pixel_aspect=%d/%d",
                inWidth, inHeight, inFormat, sarNum, sarDen);
        src = new AVFilterContext();
        Ffmpeg.check(avfilter_graph_create_filter(src, avfilter_get_by_name("buffer"), "in", args, null, graph), "Creating the filter source");
        sink = new AVFilterContext();
        Ffmpeg.check(avfilter_graph_create_filter(sink, avfilter_get_by_name("buffersink"), "out", (String) null, null, graph), "Creating the filter sink");
        AVFilterInOut outputs = avfilter_inout_alloc();
        AVFilterInOut inputs = avfilter_inout_alloc();
        try {
            outputs.name(new org.bytedeco.javacpp.BytePointer(avutil.av_strdup("in"))).filter_ctx(src).pad_idx(0).next(null);
            inputs.name(new org.bytedeco.javacpp.BytePointer(avutil.av_strdup("out"))).filter_ctx(sink).pad_idx(0).next(null);
            Ffmpeg.check(avfilter_graph_parse_ptr(graph, chain, inputs, outputs, (Pointer) null), "Parsing the filter chain " + chain);
            Ffmpeg.check(avfilter_graph_config(graph, null), "Configuring the filter chain " + chain);
        } finally {
            avfilter_inout_free(inputs);
            avfilter_inout_free(outputs);
        }
    }

    private void free() {
        if (graph != null) {
            avfilter_graph_free(graph);
            graph = null;
        }
    }

    @Override
    public void close() {
        free();
        avutil.av_frame_free(out);
    }
}
