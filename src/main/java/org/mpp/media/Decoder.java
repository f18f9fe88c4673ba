package org.mpp.media;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/** A decoder for one stream, send/receive style. Not thread-safe. */
final class Decoder implements AutoCloseable {
    // Macros that the presets do not map: avcodec.h FF_THREAD_SLICE, frame.h AV_FRAME_FLAG_CORRUPT.
    private static final int FF_THREAD_SLICE = 2;
    private static final int AV_FRAME_FLAG_CORRUPT = 1;
    private AVCodecContext ctx;
    private final String what;

    private Decoder(AVCodecContext ctx, String what) {
        this.ctx = ctx;
        this.what = what;
    }

    /**
     * Opens a decoder for {@code stream}.
     *
     * @param threads decoder threads, 0 = FFmpeg's choice
     * @param sliceThreadsOnly true to keep every thread on one context, so that errors logged by the decoder
     *     carry one pointer that {@link LogRouter} can attribute (frame threads log from private copies)
     */
    static Decoder open(AVStream stream, int threads, boolean sliceThreadsOnly, String what) {
        return open(stream, threads, sliceThreadsOnly, what, 0);
    }

    /**
     * As {@link #open(AVStream, int, boolean, String)}, refusing pictures of more than {@code maxPixels} pixels
     * (FFmpeg's {@code max_pixels}; 0 = FFmpeg's default): a stream may switch to a huge size mid-file, after the probe
     * saw its first size. FFmpeg then rejects the frame, which the callers report as damage.
     */
    static Decoder open(AVStream stream, int threads, boolean sliceThreadsOnly, String what, long maxPixels) {
        AVCodec codec = avcodec_find_decoder(stream.codecpar().codec_id());
        if (codec == null) {
            throw new BadInputException(what + ": no decoder for codec "
                    + avcodec.avcodec_get_name(stream.codecpar().codec_id()).getString());
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        Decoder d = new Decoder(ctx, what);
        Ffmpeg.check(avcodec_parameters_to_context(ctx, stream.codecpar()), what + ": decoder set-up");
        ctx.pkt_timebase(stream.time_base());
        ctx.thread_count(threads);
        if (maxPixels > 0) {
            ctx.max_pixels(maxPixels);
        }
        if (sliceThreadsOnly) {
            ctx.thread_type(FF_THREAD_SLICE);
        }
        int ret = avcodec_open2(ctx, codec, (AVDictionary) null);
        if (ret < 0) {
            d.close();
            throw new BadInputException(what + ": cannot open the " + codec.name().getString() + " decoder ("
                    + Ffmpeg.errorText(ret) + ")");
        }
        return d;
    }

    AVCodecContext context() {
        return ctx;
    }

    /**
     * Sends a packet (null flushes at the end of the stream).
     *
     * @return 0, or a negative FFmpeg error for a packet the decoder rejected (corrupt data)
     */
    int send(AVPacket pkt) {
        int ret = avcodec_send_packet(ctx, pkt);
        if (Ffmpeg.isEof(ret)) {
            return 0;
        }
        if (Ffmpeg.isAgain(ret)) {
            // Callers drain every frame after each send, so this means a decoder bug rather than back-pressure.
            throw new MediaException(what + ": decoder refused input although its output was drained");
        }
        return ret;
    }

    /** Receives the next decoded frame into {@code frame}; false when the decoder needs more input or is done. */
    boolean receive(AVFrame frame) {
        int ret = avcodec_receive_frame(ctx, frame);
        if (ret >= 0) {
            return true;
        }
        if (Ffmpeg.isAgain(ret) || Ffmpeg.isEof(ret)) {
            return false;
        }
        throw new BadInputException(what + ": decoding failed (" + Ffmpeg.errorText(ret) + ")");
    }

    /**
     * The frame's presentation timestamp as its packet carried it, or FFmpeg's guess when the packet had none. Not
     * {@code best_effort_timestamp} first: after one repeated or backward PTS (a joined file) FFmpeg's guess switches to
     * decode timestamps for the rest of the stream, which then disagree with the packet index segments were cut on.
     */
    static long timestamp(AVFrame frame) {
        return frame.pts() != avutil.AV_NOPTS_VALUE ? frame.pts() : frame.best_effort_timestamp();
    }

    static boolean isDamaged(AVFrame frame) {
        return frame.decode_error_flags() != 0 || (frame.flags() & AV_FRAME_FLAG_CORRUPT) != 0;
    }

    @Override
    public void close() {
        if (ctx != null) {
            avcodec_free_context(ctx);
            ctx = null;
        }
    }
}
