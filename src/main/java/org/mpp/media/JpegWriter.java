package org.mpp.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Writes full-range 4:2:0 pictures as JPEG files with FFmpeg's own {@code mjpeg} encoder, atomically: the bytes go to a
 * hidden temporary file beside the target, renamed onto it once complete. Stateless; any thread.
 */
final class JpegWriter {
    /** FFmpeg's qscale (2 best .. 31 worst): 4 is the usual choice for stills, as {@code ffmpeg -q:v 4}. */
    private static final int QSCALE = 4;

    private JpegWriter() {
    }

    /**
     * The chain that scales a picture to {@code width} x {@code height} (bicubic) in the full-range pixel format the JPEG
     * encoder takes: limited-range video becomes full-range JPEG, so black stays black and colours stay right.
     */
    static String scaleChain(int width, int height) {
        return String.format(java.util.Locale.ROOT, "scale=%d:%d:flags=bicubic:out_range=full,setsar=1,format=yuvj420p", width, height);
    }

    /** Encodes {@code picture} (yuvj420p, as {@link #scaleChain} makes it) and writes it to {@code target}. */
    static void write(AVFrame picture, Path target) {
        writeAtomically(encode(picture, target), target);
    }

    /** Writes {@code bytes} under a hidden temporary name beside {@code target}, then renames it onto {@code target}. */
    static void writeAtomically(byte[] bytes, Path target) {
        Path temp = target.resolveSibling("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            Files.write(temp, bytes);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // Best effort: a leftover hidden .tmp file is harmless and purged with the job's folder.
            }
            throw DiskFullException.of("Writing " + target, target, e);
        }
    }

    private static byte[] encode(AVFrame picture, Path target) {
        AVCodec codec = avcodec.avcodec_find_encoder(avcodec.AV_CODEC_ID_MJPEG);
        if (codec == null) {
            throw new MediaException("This FFmpeg build has no mjpeg encoder: cannot write " + target);
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(codec);
        AVPacket pkt = avcodec.av_packet_alloc();
        try {
            ctx.width(picture.width());
            ctx.height(picture.height());
            ctx.pix_fmt(avutil.AV_PIX_FMT_YUVJ420P);
            ctx.color_range(avutil.AVCOL_RANGE_JPEG);
            ctx.time_base(avutil.av_make_q(1, 25));
            // A fixed quantiser: the encoder reads it from each frame's quality, in lambda units.
            ctx.flags(ctx.flags() | avcodec.AV_CODEC_FLAG_QSCALE);
            ctx.global_quality(QSCALE * avutil.FF_QP2LAMBDA);
            Ffmpeg.check(avcodec.avcodec_open2(ctx, codec, (AVDictionary) null), "Opening the JPEG encoder for " + target);
            picture.quality(ctx.global_quality());
            picture.pts(0);
            Ffmpeg.check(avcodec.avcodec_send_frame(ctx, picture), "Encoding " + target);
            Ffmpeg.check(avcodec.avcodec_send_frame(ctx, null), "Encoding " + target);
            Ffmpeg.check(avcodec.avcodec_receive_packet(ctx, pkt), "Encoding " + target);
            byte[] bytes = new byte[pkt.size()];
            pkt.data().get(bytes);
            return bytes;
        } finally {
            avcodec.av_packet_free(pkt);
            avcodec.avcodec_free_context(ctx);
        }
    }
}
