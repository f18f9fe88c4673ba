package org.mpp.testmedia;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small synthetic video files for tests, made in Java with FFmpeg's encoders and muxers (no CLI, no lavfi).
 *
 * <pre>{@code
 * Path a = SyntheticMedia.builder().codec(VideoCodec.H264).size(320, 180).fps(30).seconds(4)
 *         .audio(2, 48000).write(dir.resolve("a.mp4"));
 * }</pre>
 *
 * <p>Defaults: H.264 with B-frames, 320x180, 30 fps, 3 s, GOP 1 s (fixed: keyframe every {@code gop} frames, no
 * scene cuts), stereo 48 kHz AAC. The container follows the file name's extension (mp4, mkv, ts, webm, mov, avi,
 * m4a). Pictures and sound are {@link TestPattern}: each frame carries its index as a {@link FrameCode}, and a flash
 * plus a 1 kHz burst mark every whole second. {@link #plan()} tells what will be written (exact size, frame times,
 * flash frames) so a test can compare.
 */
public final class SyntheticMedia {
    private static final int[] VFR_PATTERN = {1, 1, 2, 1, 1, 1, 2, 3, 1, 2};

    private SyntheticMedia() {
    }

    /**
     * Frame durations, in ticks of 1/fps, of the variable-frame-rate mode, repeated from the first frame: at 30 fps
     * 1/30, 1/15 and 1/10 s.
     */
    public static int[] vfrPattern() {
        return VFR_PATTERN.clone();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What a builder writes, all derived before encoding.
     *
     * @param codec           video codec, null for an audio-only file
     * @param width           encoded width (after {@link VideoCodec#encodedSize})
     * @param height          encoded height
     * @param fpsNum          frame rate numerator; ticks are {@code fpsDen/fpsNum} s
     * @param fpsDen          frame rate denominator
     * @param gop             frames per GOP (keyframe interval)
     * @param bFrames         B-frames on
     * @param openGop         open GOPs (MPEG-2 default; libx264/libx265 open-gop when set)
     * @param framePts        each frame's pts in ticks; frame i lasts until framePts[i+1] (the last until endTicks)
     * @param endTicks        end of the last frame, in ticks
     * @param flash           whether frame i is a flash frame
     * @param displayRotation value written with {@code av_display_rotation_set}; 0 = no display matrix
     * @param audioChannels   0 for no audio
     * @param sampleRate      audio sample rate
     * @param audioSamples    samples per channel
     * @param muxerOptions    options for avformat_write_header (e.g. movflags)
     * @param startTicks      added to every video pts (ticks of 1/fps) and, as the same time, to the audio: a clip
     *                        that continues another one's timeline (0 = starts at time zero)
     * @param pauseAtTicks    where the recording pauses (ticks before the pause; -1 = no pause); the audio after it
     *                        is shifted too
     * @param pauseTicks      how long the pause lasts
     */
    public record Plan(VideoCodec codec, int width, int height, int fpsNum, int fpsDen, int gop, boolean bFrames,
                       boolean openGop, long[] framePts, long endTicks, boolean[] flash, int displayRotation,
                       int audioChannels, int sampleRate, long audioSamples, Map<String, String> muxerOptions,
                       long startTicks, long pauseAtTicks, long pauseTicks) {
        /** Number of video frames. */
        public int frameCount() {
            return framePts.length;
        }

        /** Frame i's presentation time in seconds. */
        public double frameTime(int i) {
            return (double) framePts[i] * fpsDen / fpsNum;
        }

        /** Video duration in seconds. */
        public double videoSeconds() {
            return (double) endTicks * fpsDen / fpsNum;
        }

        /** Nominal frame rate. */
        public double fps() {
            return (double) fpsNum / fpsDen;
        }

        /** Indices of the flash frames. */
        public List<Integer> flashFrames() {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < flash.length; i++) {
                if (flash[i]) {
                    out.add(i);
                }
            }
            return out;
        }

        /** Whether the clip has video. */
        public boolean hasVideo() {
            return codec != null;
        }
    }

    /** Fluent options; {@link #write(Path)} encodes. */
    public static final class Builder {
        private VideoCodec codec = VideoCodec.H264;
        private boolean video = true;
        private int width = 320;
        private int height = 180;
        private int fpsNum = 30;
        private int fpsDen = 1;
        private double seconds = 3;
        private Integer gop;
        private Boolean bFrames;
        private Boolean openGop;
        private boolean vfr;
        private int rotation;
        private int audioChannels = 2;
        private int sampleRate = 48000;
        private final Map<String, String> muxerOptions = new LinkedHashMap<>();
        private long startTicks;
        private int pauseFrame = -1;
        private long pauseTicks;

        private Builder() {
        }

        /** Video codec (default H264). */
        public Builder codec(VideoCodec codec) {
            this.codec = codec;
            this.video = true;
            return this;
        }

        /** Requested size; odd sizes are rounded up where the encoder needs it ({@link VideoCodec#encodedSize}). */
        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        /** Integer frame rate. */
        public Builder fps(int fps) {
            return fps(fps, 1);
        }

        /** Rational frame rate, e.g. {@code fps(30000, 1001)}. */
        public Builder fps(int num, int den) {
            this.fpsNum = num;
            this.fpsDen = den;
            return this;
        }

        /** Duration (video and audio). */
        public Builder seconds(double seconds) {
            this.seconds = seconds;
            return this;
        }

        /** Keyframe interval in frames (default: one second's worth). */
        public Builder gop(int frames) {
            this.gop = frames;
            return this;
        }

        /** B-frames on or off (default on where the codec has them). */
        public Builder bFrames(boolean on) {
            this.bFrames = on;
            return this;
        }

        /** Open GOPs (default: on for MPEG-2 only). */
        public Builder openGop(boolean open) {
            this.openGop = open;
            return this;
        }

        /**
         * Variable frame rate: frame durations follow {@link SyntheticMedia#vfrPattern()} in ticks of 1/fps (at
         * 30 fps: 1/30, 1/15 and 1/10 s), written with exact pts and packet durations in a 1/fps time base (the
         * muxer may refine it). The GOP still counts frames.
         */
        public Builder variableFrameRate(boolean on) {
            this.vfr = on;
            return this;
        }

        /**
         * Writes a display matrix (AV_PKT_DATA_DISPLAYMATRIX in the video stream's codecpar coded side data; MP4/MOV
         * store it in tkhd) that {@code av_display_rotation_get} — and so {@code FFmpegFrameGrabber
         * .getDisplayRotation()} — reads back as {@code degrees} normalised to [-180, 180]: 90 reads 90, 180 reads
         * 180 or -180, 270 reads -90. That value is the <em>counterclockwise</em> rotation a player applies to the
         * stored pixels, which stay unrotated (ffmpeg's CLI autorotates by transposing clockwise for -90, counter-
         * clockwise for 90). Note the asymmetry in FFmpeg's API: {@code av_display_rotation_set} takes the
         * <em>clockwise</em> angle, so this calls {@code av_display_rotation_set(m, -degrees)}. A phone's portrait
         * clip, which ffprobe reports as "rotation of -90.00 degrees", is {@code displayRotation(-90)}. 0 writes no
         * matrix.
         */
        public Builder displayRotation(int degrees) {
            this.rotation = degrees;
            return this;
        }

        /** Audio: channels (1, 2, 6 = 5.1 ...) with FFmpeg's default layout, AAC. */
        public Builder audio(int channels, int sampleRate) {
            this.audioChannels = channels;
            this.sampleRate = sampleRate;
            return this;
        }

        /** No audio stream. */
        public Builder noAudio() {
            this.audioChannels = 0;
            return this;
        }

        /** No video stream: an audio-only file (use an .m4a name). */
        public Builder noVideo() {
            this.video = false;
            return this;
        }

        /**
         * Shifts every timestamp by {@code ticks} of 1/fps (video) and the same time in samples (audio), as the second
         * clip of a recording that continues the first one's clock. Frame codes still count from 0.
         */
        public Builder startTicks(long ticks) {
            this.startTicks = ticks;
            return this;
        }

        /**
         * A pause in the recording: frames from {@code frame} on, and the audio from that frame's time on, come
         * {@code ticks} of 1/fps later, so frame {@code frame - 1} stays on screen that much longer and the audio has a
         * gap as long. Frame codes still count frames.
         */
        public Builder pauseBefore(int frame, long ticks) {
            this.pauseFrame = frame;
            this.pauseTicks = ticks;
            return this;
        }

        /** MP4/MOV: put the index (moov) before the media data. */
        public Builder faststart() {
            return muxerOption("movflags", "+faststart");
        }

        /** Any muxer option for avformat_write_header. */
        public Builder muxerOption(String key, String value) {
            muxerOptions.put(key, value);
            return this;
        }

        /** What {@link #write(Path)} will produce. */
        public Plan plan() {
            if (!video && audioChannels <= 0) {
                throw new IllegalStateException("neither video nor audio");
            }
            long audioSamples = Math.round(seconds * sampleRate);
            if (!video) {
                return new Plan(null, 0, 0, fpsNum, fpsDen, 0, false, false, new long[0], 0, new boolean[0],
                        0, audioChannels, sampleRate, audioSamples, Map.copyOf(muxerOptions), startTicks, -1, 0);
            }
            int[] size = codec.encodedSize(width, height);
            long endTicks = Math.round(seconds * fpsNum / fpsDen);
            List<Long> pts = new ArrayList<>();
            long t = 0;
            for (int i = 0; t < endTicks; i++) {
                pts.add(t);
                t += vfr ? VFR_PATTERN[i % VFR_PATTERN.length] : 1;
            }
            endTicks = t;
            long[] framePts = pts.stream().mapToLong(Long::longValue).toArray();
            if (pauseFrame > 0 && pauseFrame < framePts.length) {
                for (int i = pauseFrame; i < framePts.length; i++) {
                    framePts[i] += pauseTicks;
                }
                endTicks += pauseTicks;
            }
            if (framePts.length > FrameCode.MAX_INDEX + 1) {
                throw new IllegalArgumentException("too many frames for the frame code: " + framePts.length);
            }
            boolean[] flash = new boolean[framePts.length];
            for (int i = 0; i < framePts.length; i++) {
                long start = framePts[i];
                long end = i + 1 < framePts.length ? framePts[i + 1] : endTicks;
                // whole second s (1 <= s < seconds, like the bursts) lies in [start, end) ticks
                // <=>  start*den <= s*num < end*den
                long s = Math.max(1, ceilDiv(start * fpsDen, fpsNum));
                flash[i] = s * fpsNum < end * fpsDen && s < seconds;
            }
            int g = gop != null ? gop : (int) Math.max(1, Math.round((double) fpsNum / fpsDen));
            boolean b = codec.supportsBFrames() && (bFrames == null || bFrames);
            boolean open = openGop != null ? openGop : codec.openGopByDefault();
            return new Plan(codec, size[0], size[1], fpsNum, fpsDen, g, b, open, framePts, endTicks, flash,
                    rotation, audioChannels, sampleRate, audioSamples, Map.copyOf(muxerOptions), startTicks,
                    pauseFrame > 0 && pauseFrame < framePts.length ? framePts[pauseFrame] - pauseTicks : -1, pauseTicks);
        }

        /** Encodes the clip to {@code file} (replaced if present) and returns it. */
        public Path write(Path file) throws IOException {
            MediaWriter.write(plan(), file);
            return file;
        }

        private static long ceilDiv(long a, long b) {
            return -Math.floorDiv(-a, b);
        }
    }
}
