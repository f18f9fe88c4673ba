package org.mpp.testmedia;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P10LE;

/**
 * Video codecs that {@link SyntheticMedia} can write, each with the encoder it uses from this FFmpeg build and
 * the container it goes into by default ({@link #defaultExtension()}).
 *
 * <p>Use {@link #available()} in a JUnit assumption: {@code assumeTrue(VideoCodec.HEVC.available())}.
 */
public enum VideoCodec {
    /** H.264 through libx264 (veryfast, High profile, CRF 23), B-frames on by default; MP4 (also MKV). */
    H264("libx264", "mp4", AV_PIX_FMT_YUV420P, true, false),
    /** HEVC through libx265 (ultrafast, CRF 28, closed GOP unless asked); MP4. */
    HEVC("libx265", "mp4", AV_PIX_FMT_YUV420P, true, false),
    /** MPEG-2 through mpeg2video (qscale 4), two B-frames and an <em>open</em> GOP by default; MPEG-TS. */
    MPEG2("mpeg2video", "ts", AV_PIX_FMT_YUV420P, true, true),
    /** VP9 through libvpx-vp9 (realtime, cpu-used 8, CRF 32); WebM. */
    VP9("libvpx-vp9", "webm", AV_PIX_FMT_YUV420P, false, false),
    /** ProRes 422 Proxy (apco) through prores_aw (4x faster than prores_ks here), yuv422p10le, intra only; MOV. */
    PRORES("prores_aw", "mov", AV_PIX_FMT_YUV422P10LE, false, false),
    /** Motion JPEG (qscale 4, full-range 4:2:0), intra only; AVI (MOV works too). */
    MJPEG("mjpeg", "avi", AV_PIX_FMT_YUV420P, false, false);

    private final String encoderName;
    private final String defaultExtension;
    private final int pixelFormat;
    private final boolean supportsBFrames;
    private final boolean openGopByDefault;

    VideoCodec(String encoderName, String defaultExtension, int pixelFormat, boolean supportsBFrames,
               boolean openGopByDefault) {
        this.encoderName = encoderName;
        this.defaultExtension = defaultExtension;
        this.pixelFormat = pixelFormat;
        this.supportsBFrames = supportsBFrames;
        this.openGopByDefault = openGopByDefault;
    }

    /** FFmpeg encoder name, e.g. {@code "libx264"}. */
    public String encoderName() {
        return encoderName;
    }

    /** File extension of the default container, without the dot: mp4, ts, webm, mov, avi. */
    public String defaultExtension() {
        return defaultExtension;
    }

    /** The AV_PIX_FMT_* the encoder is fed. */
    public int pixelFormat() {
        return pixelFormat;
    }

    /** Whether the codec has B-frames (and so reordering: pts differ from dts). */
    public boolean supportsBFrames() {
        return supportsBFrames;
    }

    /** Whether GOPs are open unless {@link SyntheticMedia.Builder#openGop(boolean)} says otherwise (MPEG-2 only). */
    public boolean openGopByDefault() {
        return openGopByDefault;
    }

    /** Whether this FFmpeg build has the encoder. */
    public boolean available() {
        return avcodec_find_encoder_by_name(encoderName) != null;
    }

    /**
     * The frame size this codec is given for a requested size. libx264 and libx265 reject odd dimensions in 4:2:0,
     * so H264 and HEVC round odd values up to the next even number (321x181 becomes 322x182); ProRes (4:2:2) rounds
     * the width only; MPEG-2, VP9 and MJPEG keep odd sizes (measured with FFmpeg 8.1).
     */
    public int[] encodedSize(int width, int height) {
        switch (this) {
            case MJPEG:
            case VP9:
            case MPEG2:
                return new int[] {width, height};
            case PRORES:
                return new int[] {width + (width & 1), height};
            default:
                return new int[] {width + (width & 1), height + (height & 1)};
        }
    }
}
