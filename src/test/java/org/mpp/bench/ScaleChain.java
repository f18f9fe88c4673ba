package org.mpp.bench;

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
import static org.mpp.bench.VideoFrames.check;

import java.util.Locale;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avfilter;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Scales pictures to a rendition's size exactly as MPP's transcoder does (org.mpp.media.VideoFilter for an unrotated
 * source: {@code scale=W:H:flags=bicubic,setsar=1,format=yuv420p} in a one-thread graph), so that the unchunked
 * reference encode and the PSNR reference see the same pixels MPP's encoders saw. Not thread-safe.
 */
final class ScaleChain implements AutoCloseable {
    private final String chain;
    private AVFilterGraph graph;
    private AVFilterContext src;
    private AVFilterContext sink;
    private final AVFrame out = avutil.av_frame_alloc();

    ScaleChain(int width, int height) {
        this.chain = String.format(Locale.ROOT, "scale=%d:%d:flags=bicubic,setsar=1,format=yuv420p", width, height);
    }

    /** Scales {@code in} (left untouched); the result is valid until the next call or close. */
    AVFrame apply(AVFrame in) {
        if (graph == null) {
            build(in);
        }
        check(av_buffersrc_add_frame_flags(src, in, avfilter.AV_BUFFERSRC_FLAG_KEEP_REF), "Feeding " + chain);
        avutil.av_frame_unref(out);
        check(av_buffersink_get_frame(sink, out), "Pulling from " + chain);
        return out;
    }

    private void build(AVFrame in) {
        graph = avfilter_graph_alloc();
        graph.nb_threads(1);
        String args = String.format(Locale.ROOT, "video_size=%dx%d:pix_fmt=%d:time_base=1/1000000:pixel_aspect=%d/%d", in.width(),
                in.height(), in.format(), Math.max(1, in.sample_aspect_ratio().num()), Math.max(1, in.sample_aspect_ratio().den()));
        src = new AVFilterContext();
        check(avfilter_graph_create_filter(src, avfilter_get_by_name("buffer"), "in", args, null, graph), "Creating a buffer source");
        sink = new AVFilterContext();
        check(avfilter_graph_create_filter(sink, avfilter_get_by_name("buffersink"), "out", (String) null, null, graph), "Creating a buffer sink");
        AVFilterInOut outputs = avfilter_inout_alloc();
        AVFilterInOut inputs = avfilter_inout_alloc();
        try {
            outputs.name(new BytePointer(avutil.av_strdup("in"))).filter_ctx(src).pad_idx(0).next(null);
            inputs.name(new BytePointer(avutil.av_strdup("out"))).filter_ctx(sink).pad_idx(0).next(null);
            check(avfilter_graph_parse_ptr(graph, chain, inputs, outputs, (Pointer) null), "Parsing " + chain);
            check(avfilter_graph_config(graph, null), "Configuring " + chain);
        } finally {
            avfilter_inout_free(inputs);
            avfilter_inout_free(outputs);
        }
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
