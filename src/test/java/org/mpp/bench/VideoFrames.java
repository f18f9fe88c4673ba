package org.mpp.bench;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.mpp.Rational;

/**
 * The decoded pictures of a file's main video stream, in order, through bytedeco's FFmpeg API (the benchmark's own
 * code, independent of org.mpp.media, so it can check what MPP wrote). Not thread-safe.
 */
final class VideoFrames implements AutoCloseable {
    private AVFormatContext fmt;
    private AVCodecContext dec;
    private final int stream;
    private final AVPacket pkt = av_packet_alloc();
    private boolean drained;

    private VideoFrames(AVFormatContext fmt, int stream) {
        this.fmt = fmt;
        this.stream = stream;
    }

    /** Opens {@code file}'s video stream without a decoder (for packet counts). */
    private static VideoFrames demux(Path file) {
        AVFormatContext fmt = new AVFormatContext(null);
        check(avformat_open_input(fmt, file.toString(), (AVInputFormat) null, (AVDictionary) null), "Opening " + file);
        check(avformat_find_stream_info(fmt, (PointerPointer<?>) null), "Reading the streams of " + file);
        int s = av_find_best_stream(fmt, avutil.AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
        return new VideoFrames(fmt, check(s, "Finding the video stream of " + file));
    }

    /** Opens {@code file} and a decoder for its video stream with {@code threads} threads (0 = FFmpeg's choice). */
    static VideoFrames open(Path file, int threads) {
        VideoFrames v = demux(file);
        try {
            AVStream st = v.fmt.streams(v.stream);
            AVCodec codec = avcodec_find_decoder(st.codecpar().codec_id());
            v.dec = avcodec_alloc_context3(codec);
            check(avcodec_parameters_to_context(v.dec, st.codecpar()), "Setting up the decoder of " + file);
            v.dec.pkt_timebase(st.time_base());
            v.dec.thread_count(threads);
            check(avcodec_open2(v.dec, codec, (AVDictionary) null), "Opening the decoder of " + file);
            return v;
        } catch (RuntimeException e) {
            v.close();
            throw e;
        }
    }

    /** Bytes of the video stream's packets: the video's size without container or audio. */
    static long videoBytes(Path file) {
        try (VideoFrames v = demux(file)) {
            long bytes = 0;
            while (check(av_read_frame(v.fmt, v.pkt), avutil.AVERROR_EOF, "Reading " + file) >= 0) {
                if (v.pkt.stream_index() == v.stream) {
                    bytes += v.pkt.size();
                }
                av_packet_unref(v.pkt);
            }
            return bytes;
        }
    }

    int width() {
        return fmt.streams(stream).codecpar().width();
    }

    int height() {
        return fmt.streams(stream).codecpar().height();
    }

    /** The stream's average frame rate. */
    Rational frameRate() {
        var r = fmt.streams(stream).avg_frame_rate();
        return Rational.of(r.num(), r.den());
    }

    /** Decodes the next picture into {@code frame} (unreferencing what it held); false after the last one. */
    boolean next(AVFrame frame) {
        avutil.av_frame_unref(frame);
        while (true) {
            int ret = avcodec_receive_frame(dec, frame);
            if (ret >= 0) {
                return true;
            }
            if (ret == avutil.AVERROR_EOF || drained) {
                return false;
            }
            check(ret, avutil.AVERROR_EAGAIN(), "Decoding");
            sendNextPacket();
        }
    }

    private void sendNextPacket() {
        while (true) {
            av_packet_unref(pkt);
            int ret = av_read_frame(fmt, pkt);
            if (ret == avutil.AVERROR_EOF) {
                check(avcodec_send_packet(dec, null), "Flushing the decoder");
                drained = true;
                return;
            }
            check(ret, "Reading");
            if (pkt.stream_index() == stream) {
                // The caller drained every frame before asking for more, so the decoder takes the packet.
                check(avcodec_send_packet(dec, pkt), "Decoding");
                return;
            }
        }
    }

    @Override
    public void close() {
        if (dec != null) {
            avcodec_free_context(dec);
            dec = null;
        }
        if (fmt != null) {
            avformat_close_input(fmt);
            fmt = null;
        }
        av_packet_free(pkt);
    }

    /** Returns {@code ret} unless it is an FFmpeg error, which it throws with {@code what} and FFmpeg's text. */
    static int check(int ret, String what) {
        if (ret < 0) {
            byte[] text = new byte[256];
            try (BytePointer buf = new BytePointer(text.length)) {
                avutil.av_strerror(ret, buf, text.length);
                buf.get(text);
            }
            int n = 0;
            while (n < text.length && text[n] != 0) {
                n++;
            }
            throw new IllegalStateException(what + " failed: " + new String(text, 0, n, java.nio.charset.StandardCharsets.UTF_8)
                    + " (FFmpeg error " + ret + ")");
        }
        return ret;
    }

    /** As {@link #check(int, String)}, but {@code allowed} (EOF, EAGAIN) is returned instead of thrown. */
    static int check(int ret, int allowed, String what) {
        return ret == allowed ? ret : check(ret, what);
    }
}
