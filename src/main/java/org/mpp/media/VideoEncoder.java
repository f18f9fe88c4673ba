package org.mpp.media;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;

import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.Rational;
import org.mpp.ladder.Rendition;

/**
 * libx264 for one rendition, writing straight into a {@link Muxer}. Constant frame rate: the caller numbers
 * frames (pts = output slot) and every GOP has the same length, starting with an IDR at frame 0, so all
 * renditions of all segments put keyframes at the same times. Not thread-safe.
 */
final class VideoEncoder implements AutoCloseable {
    private AVCodecContext ctx;
    private final Muxer muxer;
    private int stream = -1;
    private final AVPacket pkt = avcodec.av_packet_alloc();
    private long packets;

    private VideoEncoder(AVCodecContext ctx, Muxer muxer) {
        this.ctx = ctx;
        this.muxer = muxer;
    }

    /** Opens the encoder, adds its stream to {@code muxer} and starts the muxer. */
    static VideoEncoder open(Rendition r, int gopFrames, int threads, Muxer muxer) {
        Ffmpeg.requireLibx264();
        AVCodec codec = avcodec_find_encoder_by_name("libx264");
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.width(r.width());
        ctx.height(r.height());
        ctx.pix_fmt(avutil.AV_PIX_FMT_YUV420P);
        ctx.time_base(Ffmpeg.av(r.frameRate().inverse()));
        ctx.framerate(Ffmpeg.av(r.frameRate()));
        ctx.sample_aspect_ratio(avutil.av_make_q(1, 1));
        ctx.gop_size(gopFrames);
        ctx.keyint_min(gopFrames);
        ctx.thread_count(threads);
        // CRF only: a non-zero bit rate would put x264 in ABR mode.
        ctx.bit_rate(0);
        if (muxer.wantsGlobalHeader()) {
            ctx.flags(ctx.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        AVDictionary opts = new AVDictionary(null);
        avutil.av_dict_set(opts, "crf", Integer.toString(r.spec().crf()), 0);
        avutil.av_dict_set(opts, "preset", r.spec().preset(), 0);
        avutil.av_dict_set(opts, "profile", r.spec().profile(), 0);
        // A fixed GOP with no scene-cut keyframes and closed GOPs: IDRs at the same times in every rendition.
        avutil.av_dict_set(opts, "x264-params", String.format(Locale.ROOT,
                "keyint=%d:min-keyint=%d:scenecut=0:open-gop=0", gopFrames, gopFrames), 0);
        VideoEncoder enc = new VideoEncoder(ctx, muxer);
        int ret = avcodec_open2(ctx, codec, opts);
        int rejected = avutil.av_dict_count(opts);
        avutil.av_dict_free(opts);
        if (ret < 0) {
            enc.close();
            throw new MediaException("Cannot open libx264 for " + r.label() + " (" + r.width() + "x" + r.height() + "): "
                    + Ffmpeg.errorText(ret));
        }
        if (rejected > 0) {
            enc.close();
            throw new MediaException("libx264 ignored " + rejected + " of our options for " + r.label() + ": check the ladder's preset/profile");
        }
        enc.stream = muxer.addStream(ctx);
        muxer.start(java.util.Map.of());
        return enc;
    }

    static int gopFrames(Rational frameRate, double gopSeconds) {
        return (int) Math.max(1, Math.round(frameRate.toDouble() * gopSeconds));
    }

    /** Encodes {@code frame} as output frame number {@code slot} (null flushes). */
    void encode(AVFrame frame, long slot) {
        if (frame != null) {
            frame.pts(slot);
            frame.pict_type(avutil.AV_PICTURE_TYPE_NONE);
        }
        Ffmpeg.check(avcodec_send_frame(ctx, frame), "Encoding");
        while (true) {
            int ret = avcodec_receive_packet(ctx, pkt);
            if (Ffmpeg.isAgain(ret) || Ffmpeg.isEof(ret)) {
                return;
            }
            Ffmpeg.check(ret, "Encoding");
            pkt.stream_index(stream);
            avcodec.av_packet_rescale_ts(pkt, ctx.time_base(), Ffmpeg.av(muxer.timeBase(stream)));
            muxer.write(pkt);
            packets++;
        }
    }

    long packets() {
        return packets;
    }

    @Override
    public void close() {
        if (ctx != null) {
            avcodec_free_context(ctx);
            ctx = null;
        }
        avcodec.av_packet_free(pkt);
    }
}
