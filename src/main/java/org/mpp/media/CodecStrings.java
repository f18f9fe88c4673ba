package org.mpp.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;

/**
 * RFC 6381 codec strings ({@code CODECS} in HLS, {@code codecs} in DASH) read from a stream's own codec headers, so
 * that a player's {@code MediaSource.isTypeSupported} check sees the real profile and level. Stateless.
 */
final class CodecStrings {
    private CodecStrings() {
    }

    /**
     * {@code avc1.PPCCLL} for H.264 (profile, constraint flags and level of its SPS), {@code mp4a.40.N} for AAC (N the
     * audio object type: 2 for AAC-LC).
     *
     * @throws MediaException for another codec, or H.264 without an SPS
     */
    static String of(AVCodecParameters par) {
        byte[] extra = Ffmpeg.extradata(par);
        if (par.codec_id() == AV_CODEC_ID_H264) {
            return avc(extra);
        }
        if (par.codec_id() == AV_CODEC_ID_AAC) {
            int objectType = extra.length > 0 ? (extra[0] & 0xff) >> 3 : par.profile() + 1;
            return "mp4a.40." + objectType;
        }
        throw new MediaException("Cannot package codec " + org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name(par.codec_id()).getString()
                + ": only H.264 video and AAC audio");
    }

    /** From an avcC record (MP4's form) or, failing that, the first SPS of Annex B headers. */
    static String avc(byte[] extra) {
        if (extra.length >= 4 && extra[0] == 1) {
            return String.format("avc1.%02x%02x%02x", extra[1] & 0xff, extra[2] & 0xff, extra[3] & 0xff);
        }
        for (int i = 0; i + 6 < extra.length; i++) {
            boolean startCode = extra[i] == 0 && extra[i + 1] == 0 && extra[i + 2] == 1;
            if (startCode && (extra[i + 3] & 0x1f) == 7) {
                return String.format("avc1.%02x%02x%02x", extra[i + 4] & 0xff, extra[i + 5] & 0xff, extra[i + 6] & 0xff);
            }
        }
        throw new MediaException("The H.264 stream has no sequence parameter set in its codec headers");
    }
}
