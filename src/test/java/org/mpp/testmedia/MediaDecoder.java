package org.mpp.testmedia;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * Decodes a file's first video stream to luma planes, or its first audio stream to a mono mixdown, with FFmpeg's
 * raw API (one decoder thread). Decode errors do not throw (FFmpeg conceals them); capture the log with
 * {@link FfmpegLogCapture} to see them.
 */
public final class MediaDecoder {
    /** AV_FRAME_FLAG_KEY (1 << 1), absent from the Java bindings. */
    private static final int FRAME_FLAG_KEY = 1 << 1;

    private MediaDecoder() {
    }

    /**
     * A decoded picture's luma, packed (stride = width). 8-bit YUV and gray formats give their Y plane unchanged;
     * other formats go through swscale to GRAY8.
     *
     * @param index   output order, from 0
     * @param seconds best-effort timestamp in seconds (NaN when unknown)
     */
    public record VideoFrame(int index, double seconds, int width, int height, byte[] luma, boolean keyFrame) {
        /** The frame code, upright only. */
        public int code() {
            return FrameCode.read(luma, width, height, width);
        }

        /** The frame code, any orientation. */
        public FrameCode.Reading codeAnyOrientation() {
            return FrameCode.readAnyOrientation(luma, width, height, width);
        }
    }

    /** Decoded audio mixed to mono (mean of the channels), starting at {@code startSeconds}. */
    public record Audio(float[] mono, int sampleRate, int channels, double startSeconds) {
        /** Length in seconds. */
        public double seconds() {
            return (double) mono.length / sampleRate;
        }
    }

    /** Every video frame of the file. */
    public static List<VideoFrame> decodeVideo(Path file) throws IOException {
        List<VideoFrame> out = new ArrayList<>();
        forEachVideoFrame(file, out::add);
        return out;
    }

    /** Streams the video frames to {@code sink}; returns how many were decoded. */
    public static int forEachVideoFrame(Path file, Consumer<VideoFrame> sink) throws IOException {
        int[] count = {0};
        SwsContext[] sws = {null};
        try {
            decode(file, AVMEDIA_TYPE_VIDEO, (st, f) -> {
                sink.accept(toVideoFrame(count[0]++, seconds(st, f), f, sws));
            });
        } finally {
            if (sws[0] != null) {
                sws_freeContext(sws[0]);
            }
        }
        return count[0];
    }

    /** The whole audio track as mono float samples. */
    public static Audio decodeAudio(Path file) throws IOException {
        FloatList samples = new FloatList();
        double[] start = {Double.NaN};
        int[] format = {0, 0};
        decode(file, AVMEDIA_TYPE_AUDIO, (st, f) -> {
            if (Double.isNaN(start[0])) {
                start[0] = seconds(st, f);
            }
            format[0] = f.sample_rate();
            format[1] = f.ch_layout().nb_channels();
            mixdown(f, samples);
        });
        return new Audio(samples.toArray(), format[0], format[1], start[0]);
    }

    private interface FrameSink {
        void accept(AVStream stream, AVFrame frame);
    }

    private static void decode(Path file, int mediaType, FrameSink sink) throws IOException {
        AVFormatContext fc = new AVFormatContext(null);
        FfmpegUtil.check(avformat_open_input(fc, file.toString(), null, null), "avformat_open_input " + file);
        AVCodecContext dc = null;
        AVPacket pkt = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        try {
            FfmpegUtil.check(avformat_find_stream_info(fc, (PointerPointer<?>) null), "find_stream_info");
            int si = FfmpegUtil.check(av_find_best_stream(fc, mediaType, -1, -1, (AVCodec) null, 0),
                    "no stream of type " + mediaType + " in " + file);
            AVStream st = fc.streams(si);
            AVCodec codec = avcodec_find_decoder(st.codecpar().codec_id());
            dc = avcodec_alloc_context3(codec);
            FfmpegUtil.check(avcodec_parameters_to_context(dc, st.codecpar()), "parameters_to_context");
            dc.pkt_timebase(st.time_base());
            dc.thread_count(1);
            FfmpegUtil.check(avcodec_open2(dc, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
                    "avcodec_open2 decoder");
            while (av_read_frame(fc, pkt) >= 0) {
                if (pkt.stream_index() == si) {
                    avcodec_send_packet(dc, pkt); // errors are logged by FFmpeg; keep going like a player
                    receive(dc, frame, st, sink);
                }
                av_packet_unref(pkt);
            }
            avcodec_send_packet(dc, null);
            receive(dc, frame, st, sink);
        } finally {
            av_frame_free(frame);
            av_packet_free(pkt);
            if (dc != null) {
                avcodec_free_context(dc);
            }
            avformat_close_input(fc);
        }
    }

    private static void receive(AVCodecContext dc, AVFrame frame, AVStream st, FrameSink sink) {
        while (avcodec_receive_frame(dc, frame) >= 0) {
            sink.accept(st, frame);
            av_frame_unref(frame);
        }
    }

    private static double seconds(AVStream st, AVFrame f) {
        long ts = f.best_effort_timestamp();
        return ts == AV_NOPTS_VALUE ? Double.NaN : ts * av_q2d(st.time_base());
    }

    /** One decoded picture's luma (a scaler made and freed for formats that need one). */
    static VideoFrame toVideoFrame(int index, double seconds, AVFrame f) {
        SwsContext[] sws = {null};
        try {
            return toVideoFrame(index, seconds, f, sws);
        } finally {
            if (sws[0] != null) {
                sws_freeContext(sws[0]);
            }
        }
    }

    private static VideoFrame toVideoFrame(int index, double seconds, AVFrame f, SwsContext[] sws) {
        int w = f.width();
        int h = f.height();
        byte[] luma = new byte[w * h];
        int fmt = f.format();
        boolean direct = fmt == AV_PIX_FMT_YUV420P || fmt == AV_PIX_FMT_YUVJ420P || fmt == AV_PIX_FMT_YUV422P
                || fmt == AV_PIX_FMT_YUVJ422P || fmt == AV_PIX_FMT_YUV444P || fmt == AV_PIX_FMT_YUVJ444P
                || fmt == AV_PIX_FMT_NV12 || fmt == AV_PIX_FMT_GRAY8;
        if (direct) {
            BytePointer y = f.data(0);
            int ls = f.linesize(0);
            for (int row = 0; row < h; row++) {
                y.position((long) row * ls).get(luma, row * w, w);
            }
        } else {
            sws[0] = sws_getCachedContext(sws[0], w, h, fmt, w, h, AV_PIX_FMT_GRAY8, SWS_POINT, null, null,
                    (DoublePointer) null);
            int stride = (w + 63) & ~63; // swscale's SIMD writes past the width: give it aligned, padded rows
            try (BytePointer dst = new BytePointer(av_malloc((long) stride * (h + 2)))) {
                PointerPointer<?> planes = new PointerPointer<BytePointer>(4);
                planes.put(0, dst).put(1, new BytePointer()).put(2, new BytePointer()).put(3, new BytePointer());
                sws_scale(sws[0], f.data(), f.linesize(), 0, h, planes, new IntPointer(stride, 0, 0, 0));
                for (int row = 0; row < h; row++) {
                    dst.position((long) row * stride).get(luma, row * w, w);
                }
                av_free(dst.position(0));
            }
        }
        return new VideoFrame(index, seconds, w, h, luma, (f.flags() & FRAME_FLAG_KEY) != 0);
    }

    /** One decoded audio frame mixed to mono. */
    static float[] mixdown(AVFrame f) {
        FloatList out = new FloatList();
        mixdown(f, out);
        return out.toArray();
    }

    private static void mixdown(AVFrame f, FloatList out) {
        int n = f.nb_samples();
        int ch = f.ch_layout().nb_channels();
        int fmt = f.format();
        boolean planar = av_sample_fmt_is_planar(fmt) != 0;
        int perPlane = planar ? n : n * ch;
        float[] mono = new float[n];
        for (int plane = 0; plane < (planar ? ch : 1); plane++) {
            float[] v = read(f.extended_data(plane), av_get_packed_sample_fmt(fmt), perPlane);
            for (int i = 0; i < perPlane; i++) {
                mono[planar ? i : i / ch] += v[i];
            }
        }
        for (float m : mono) {
            out.add(m / ch);
        }
    }

    private static float[] read(BytePointer p, int packedFormat, int count) {
        float[] v = new float[count];
        switch (packedFormat) {
            case AV_SAMPLE_FMT_FLT -> new FloatPointer(p).get(v);
            case AV_SAMPLE_FMT_S16 -> {
                short[] s = new short[count];
                new ShortPointer(p).get(s);
                for (int i = 0; i < count; i++) {
                    v[i] = s[i] / 32768f;
                }
            }
            case AV_SAMPLE_FMT_S32 -> {
                int[] s = new int[count];
                new IntPointer(p).get(s);
                for (int i = 0; i < count; i++) {
                    v[i] = s[i] / 2147483648f;
                }
            }
            case AV_SAMPLE_FMT_DBL -> {
                double[] s = new double[count];
                new DoublePointer(p).get(s);
                for (int i = 0; i < count; i++) {
                    v[i] = (float) s[i];
                }
            }
            default -> throw new IllegalStateException("sample format " + packedFormat);
        }
        return v;
    }

    private static final class FloatList {
        private float[] a = new float[1 << 16];
        private int n;

        void add(float v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
