package org.mpp.media;

import org.mpp.Rational;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mpp.config.Settings;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

/** Reads what a source is without decoding it: streams, timing, rotation, keyframes. Stateless, thread-safe. */
final class Prober {
    /** Frames larger than this on either side are refused as absurd (16K). */
    static final int MAX_DIMENSION = 16384;
    private static final Rational MAX_SANE_RATE = Rational.of(480);

    private Prober() {
    }

    /**
     * Probes {@code file}.
     *
     * @throws BadInputException when the file is not a video FFmpeg can read: missing, empty, not media,
     *     audio only, no frames, or absurd dimensions
     */
    static MediaInfo probe(Path file, Cancellation cancel) {
        return probe(file, Settings.Limits.reference(), cancel);
    }

    /**
     * Probes {@code file} and checks it against {@code limits}: duration, picture size, the longest time one frame stays
     * on screen, gaps in the audio.
     *
     * @throws BadInputException as {@link #probe(Path, Cancellation)}, or when the source exceeds a limit (naming its key)
     */
    static MediaInfo probe(Path file, Settings.Limits limits, Cancellation cancel) {
        return scan(file, limits, cancel).info();
    }

    /** What a probe found, and the index of the video's packets it read to find it (the cut's plan is made from it). */
    record Scanned(MediaInfo info, PacketIndex index) {
    }

    /** As {@link #probe(Path, Settings.Limits, Cancellation)}, keeping the packet index. */
    static Scanned scan(Path file, Settings.Limits limits, Cancellation cancel) {
        Scanned scanned = probeOnly(file, limits, cancel);
        MediaInfo info = scanned.info();
        if (info.durationSeconds() > limits.maxSourceSeconds()) {
            throw new BadInputException(String.format(Locale.ROOT, "%s: %.1f s long, more than the %.0f s a source may last "
                    + "(mpp.media.max-source-seconds)", file, info.durationSeconds(), limits.maxSourceSeconds()));
        }
        return scanned;
    }

    private static Scanned probeOnly(Path file, Settings.Limits limits, Cancellation cancel) {
        try (Demuxer in = Demuxer.open(file)) {
            int v = in.bestStream(AVMEDIA_TYPE_VIDEO);
            if (v < 0) {
                throw new BadInputException(file + ": no video stream" + (in.bestStream(AVMEDIA_TYPE_AUDIO) >= 0 ? " (audio only)" : ""));
            }
            int a = in.bestStream(AVMEDIA_TYPE_AUDIO);
            AVStream vs = in.stream(v);
            AVCodecParameters par = vs.codecpar();
            if (par.width() <= 0 || par.height() <= 0 || par.width() > MAX_DIMENSION || par.height() > MAX_DIMENSION
                    || (long) par.width() * par.height() > limits.maxPixels()) {
                throw new BadInputException(file + ": impossible picture size " + par.width() + "x" + par.height()
                        + " (supported: up to " + MAX_DIMENSION + " a side and " + limits.maxPixels() + " pixels, mpp.media.max-pixels)");
            }
            PacketIndex idx = PacketIndex.scan(in, v, a, cancel);
            if (idx.shown == 0) {
                throw new BadInputException(file + ": the video stream has no frames");
            }
            if (vs.nb_frames() > 0 && idx.count < vs.nb_frames()) {
                throw new BadInputException(file + ": truncated: only " + idx.count + " of the " + vs.nb_frames()
                        + " video frames its index lists are present"
                        + (in.errors().isEmpty() ? "" : " (" + in.errors().get(0) + ")"));
            }
            checkGaps(file, idx, limits);
            MediaInfo.VideoInfo video = videoInfo(vs, idx);
            MediaInfo.AudioInfo audio = a < 0 ? null : audioInfo(in.stream(a), idx.audioEnd);
            List<Double> keyframes = new ArrayList<>();
            for (int i = 0; i < idx.count; i++) {
                if (idx.key[i] && !idx.discard[i]) {
                    keyframes.add(Rational.time(idx.pts[i], idx.timeBase).toDouble());
                }
            }
            keyframes.sort(null);
            if (audio != null && audio.startSeconds() - video.start().toDouble() > limits.maxAudioGapSeconds()) {
                throw new BadInputException(String.format(Locale.ROOT, "%s: the audio starts %.1f s after the video, more than the "
                        + "%.0f s of silence that may be filled in (mpp.media.max-audio-gap-seconds)", file,
                        audio.startSeconds() - video.start().toDouble(), limits.maxAudioGapSeconds()));
            }
            double duration = Math.max(video.end().toDouble(),
                    audio == null ? 0 : audio.startSeconds() + audio.durationSeconds()) - Math.min(video.start().toDouble(),
                    audio == null ? Double.MAX_VALUE : audio.startSeconds());
            return new Scanned(new MediaInfo(file.toString(), in.context().iformat().name().getString(), size(file), duration,
                    video, audio, keyframes), idx);
        }
    }

    /**
     * A frame stays on screen until the next one, and each output slot of that time repeats it: frames hours apart would
     * become millions of encoded frames. Audio gaps are filled with silence the same way.
     */
    private static void checkGaps(Path file, PacketIndex idx, Settings.Limits limits) {
        int longest = idx.longestFrame();
        Rational held = idx.frameDuration(longest);
        if (held.toDouble() > limits.maxFrameGapSeconds()) {
            throw new BadInputException(String.format(Locale.ROOT, "%s: the video frame at %.3f s stays on screen for %.1f s, more "
                    + "than the %.0f s allowed (mpp.media.max-frame-gap-seconds); frames that far apart are not a video to "
                    + "transcode", file, Rational.time(idx.sortedPts[longest], idx.timeBase).toDouble(), held.toDouble(),
                    limits.maxFrameGapSeconds()));
        }
        if (idx.audioGap.toDouble() > limits.maxAudioGapSeconds()) {
            throw new BadInputException(String.format(Locale.ROOT, "%s: the audio stops for %.1f s at %.3f s, more than the %.0f s "
                    + "of silence that may be filled in (mpp.media.max-audio-gap-seconds)", file, idx.audioGap.toDouble(),
                    idx.audioGapAt.toDouble(), limits.maxAudioGapSeconds()));
        }
    }

    private static MediaInfo.VideoInfo videoInfo(AVStream vs, PacketIndex idx) {
        AVCodecParameters par = vs.codecpar();
        Rational avg = Ffmpeg.rational(vs.avg_frame_rate());
        Rational nominal = Ffmpeg.rational(vs.r_frame_rate());
        boolean vfr = idx.variableFrameRate();
        Rational fromTimestamps = idx.medianDelta() > 0 ? Rational.time(idx.medianDelta(), idx.timeBase).inverse() : Rational.ZERO;
        if (!avg.isPositive() || avg.compareTo(MAX_SANE_RATE) > 0) {
            avg = fromTimestamps;
        }
        if (!nominal.isPositive() || nominal.compareTo(MAX_SANE_RATE) > 0 || (vfr && nominal.compareTo(avg.times(Rational.of(5, 2))) > 0)) {
            nominal = vfr ? avg : fromTimestamps;
        }
        if (!nominal.isPositive()) {
            nominal = Rational.of(25);
        }
        if (!avg.isPositive()) {
            avg = nominal;
        }
        BytePointer pixName = avutil.av_get_pix_fmt_name(par.format());
        return new MediaInfo.VideoInfo(vs.index(), avcodec.avcodec_get_name(par.codec_id()).getString(), par.width(),
                par.height(), pixName == null ? "unknown" : pixName.getString(), nominal, avg, vfr, rotation(par),
                idx.shown, idx.startTime(), idx.endTime());
    }

    /** Degrees clockwise that turn the stored picture upright, from the display matrix (as FFmpeg's autorotate reads it). */
    static int rotation(AVCodecParameters par) {
        AVPacketSideData sd = avcodec.av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(),
                avcodec.AV_PKT_DATA_DISPLAYMATRIX);
        if (sd == null || sd.isNull() || sd.size() < 9 * 4) {
            return 0;
        }
        double counterClockwise = avutil.av_display_rotation_get(new IntPointer(sd.data()));
        if (Double.isNaN(counterClockwise)) {
            return 0;
        }
        long clockwise = Math.round(-counterClockwise / 90.0) * 90;
        return (int) Math.floorMod(clockwise, 360);
    }

    private static MediaInfo.AudioInfo audioInfo(AVStream as, Rational scannedEnd) {
        AVCodecParameters par = as.codecpar();
        Rational tb = Ffmpeg.rational(as.time_base());
        double start = as.start_time() == avutil.AV_NOPTS_VALUE ? 0 : Rational.time(as.start_time(), tb).toDouble();
        double duration = as.duration() != avutil.AV_NOPTS_VALUE && as.duration() > 0
                ? Rational.time(as.duration(), tb).toDouble()
                : scannedEnd == null ? 0 : scannedEnd.toDouble() - start;
        String layout;
        try (BytePointer buf = new BytePointer(128)) {
            layout = avutil.av_channel_layout_describe(par.ch_layout(), buf, 128) < 0 ? "unknown" : Ffmpeg.cString(buf);
        }
        return new MediaInfo.AudioInfo(as.index(), avcodec.avcodec_get_name(par.codec_id()).getString(),
                par.ch_layout().nb_channels(), layout, par.sample_rate(), start, duration);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
