package org.mpp.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_make_error_string;

import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.mpp.Rational;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;

/**
 * Process-wide FFmpeg set-up and small helpers for return codes. FFmpeg's log level and log callback are
 * global to the process, so they are installed once here, whichever engine instance comes first.
 */
final class Ffmpeg {
    private static volatile boolean ready;

    private Ffmpeg() {
    }

    /** Loads the natives, quiets FFmpeg's per-file dumps and routes its log through {@link LogRouter}. */
    static void init() {
        if (ready) {
            return;
        }
        synchronized (Ffmpeg.class) {
            if (ready) {
                return;
            }
            Loader.load(avutil.class);
            Loader.load(avcodec.class);
            Loader.load(avformat.class);
            av_log_set_level(AV_LOG_ERROR);
            LogRouter.install();
            ready = true;
        }
    }

    /**
     * Fails unless this FFmpeg build carries libx264. Without the GPL natives FFmpeg would silently pick
     * another H.264 encoder and ignore every x264 option.
     */
    static void requireLibx264() {
        init();
        if (avcodec.avcodec_find_encoder_by_name("libx264") == null) {
            throw new MediaException("This FFmpeg build has no libx264 encoder: the jar must carry bytedeco's "
                    + "ffmpeg linux-x86_64-gpl natives (not the LGPL ones)");
        }
    }

    static Rational rational(AVRational r) {
        return r.den() == 0 ? Rational.ZERO : Rational.of(r.num(), r.den());
    }

    /** A stream's codec headers (extradata), copied out; empty when it has none. */
    static byte[] extradata(org.bytedeco.ffmpeg.avcodec.AVCodecParameters par) {
        byte[] bytes = new byte[Math.max(0, par.extradata_size())];
        if (bytes.length > 0) {
            par.extradata().get(bytes);
        }
        return bytes;
    }

    static AVRational av(Rational r) {
        return avutil.av_make_q(Math.toIntExact(r.num()), Math.toIntExact(r.den()));
    }

    static String errorText(int code) {
        try (BytePointer buf = new BytePointer(256)) {
            av_make_error_string(buf, 256, code);
            return cString(buf);
        }
    }

    /** The NUL-terminated text in a buffer FFmpeg filled (getString() would read the whole capacity). */
    static String cString(BytePointer buf) {
        byte[] bytes = new byte[(int) buf.capacity()];
        buf.get(bytes);
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Returns {@code ret} when it is not an FFmpeg error, else throws a {@link MediaException} naming {@code what}. */
    static int check(int ret, String what) {
        if (ret < 0) {
            throw new MediaException(what + " failed: " + errorText(ret) + " (FFmpeg error " + ret + ")");
        }
        return ret;
    }

    static boolean isEof(int ret) {
        return ret == avutil.AVERROR_EOF;
    }

    static boolean isAgain(int ret) {
        return ret == avutil.AVERROR_EAGAIN();
    }
}
