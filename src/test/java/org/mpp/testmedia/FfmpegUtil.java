package org.mpp.testmedia;

import static org.bytedeco.ffmpeg.global.avutil.AV_DICT_IGNORE_SUFFIX;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_count;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_get;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.io.IOException;
import java.util.Map;
import org.bytedeco.ffmpeg.avutil.AVDictionary;

/** Small helpers around FFmpeg return codes and dictionaries. */
final class FfmpegUtil {
    /** AVERROR(EAGAIN) on Linux (the bindings lack the AVERROR macro). */
    static final int EAGAIN = -11;

    private FfmpegUtil() {
    }

    static AVDictionary dict(Map<String, String> entries) {
        AVDictionary d = new AVDictionary(null);
        entries.forEach((k, v) -> av_dict_set(d, k, v, 0));
        return d;
    }

    static void requireConsumed(AVDictionary d, String what) throws IOException {
        if (av_dict_count(d) > 0) {
            StringBuilder s = new StringBuilder();
            for (var e = av_dict_get(d, "", null, AV_DICT_IGNORE_SUFFIX); e != null;
                 e = av_dict_get(d, "", e, AV_DICT_IGNORE_SUFFIX)) {
                s.append(' ').append(e.key().getString());
            }
            throw new IOException(what + " did not take option(s):" + s);
        }
    }

    static int check(int ret, String what) throws IOException {
        if (ret < 0) {
            throw new IOException(what + ": " + errorText(ret) + " (" + ret + ")");
        }
        return ret;
    }

    static String errorText(int ret) {
        byte[] buf = new byte[256];
        av_strerror(ret, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }
}
