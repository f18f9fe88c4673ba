package org.mpp.media;

import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Decodes single pictures of a file's video at chosen times, cheaply: each {@link #frameAt} seeks to the keyframe at or
 * before the time and decodes forward only as far as the picture wanted, so a GOP's worth of frames at most. Meant for
 * our own renditions (closed GOPs, upright pixels); times are seconds on the stream's timeline. Not thread-safe; close
 * it on the thread that opened it.
 */
final class FrameSeeker implements AutoCloseable {
    /** Frames within this much before the time wanted count as at it (timestamps are rounded to the time base). */
    private static final double TOLERANCE_SECONDS = 0.001;
    private final Path file;
    private final String what;
    private final Demuxer in;
    private final Decoder decoder;
    private final int stream;
    private final double timeBase;
    private final long startPts;
    private final AVPacket pkt = avcodec.av_packet_alloc();
    private final AVFrame frame = avutil.av_frame_alloc();
    private final AVFrame earlier = avutil.av_frame_alloc();
    private long decoded;
    /** The file's last packet has gone to the decoder since the last seek. */
    private boolean ended;

    private FrameSeeker(Path file, Demuxer in, Decoder decoder, int stream) {
        this.file = file;
        this.what = "Reading pictures of " + file;
        this.in = in;
        this.decoder = decoder;
        this.stream = stream;
        this.timeBase = in.timeBase(stream).toDouble();
        long start = in.stream(stream).start_time();
        this.startPts = start == avutil.AV_NOPTS_VALUE ? 0 : start;
    }

    /**
     * Opens the video of {@code file}.
     *
     * @throws BadInputException when the file is missing, not media or has no video
     */
    static FrameSeeker open(Path file, int threads) {
        Demuxer in = Demuxer.open(file);
        try {
            int stream = in.bestStream(avutil.AVMEDIA_TYPE_VIDEO);
            if (stream < 0) {
                throw new BadInputException(file + ": no video stream");
            }
            return new FrameSeeker(file, in, Decoder.open(in.stream(stream), threads, false, file.toString()), stream);
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** The video stream's parameters: its coded size among them. */
    AVCodecParameters parameters() {
        return in.stream(stream).codecpar();
    }

    /**
     * The picture on screen at {@code seconds} from the video's first frame: the first frame at or after it (the last
     * frame when the time lies beyond the end). Valid until the next call or close.
     *
     * @throws MediaException when no frame decodes there (a damaged or truncated file)
     */
    AVFrame frameAt(double seconds, Cancellation cancel) {
        // MP4 seeks compare presentation times: a keyframe exactly at the time (rounded to the time base) must count
        // as before it, or the seek lands a whole GOP earlier and decodes it for nothing.
        long seekTo = startPts + (long) Math.floor((seconds + TOLERANCE_SECONDS) / timeBase);
        long target = startPts + (long) Math.ceil((seconds - TOLERANCE_SECONDS) / timeBase);
        Ffmpeg.check(seek(seekTo, avformat.AVSEEK_FLAG_BACKWARD), "Seeking to " + describe(seconds));
        avutil.av_frame_unref(earlier);
        for (AVFrame f = next(cancel); f != null; f = next(cancel)) {
            if (Decoder.timestamp(f) >= target) {
                return f;
            }
            // Kept: it is the answer when the file ends before the time wanted.
            avutil.av_frame_unref(earlier);
            avutil.av_frame_move_ref(earlier, f);
        }
        if (earlier.width() == 0) {
            throw new MediaException(file + ": no picture decodes at " + describe(seconds));
        }
        return earlier;
    }

    /**
     * A picture from the stretch {@code [from, until)} that costs one decode where the stretch holds a keyframe: the first
     * keyframe at or after {@code from}, when it comes before {@code until}; otherwise {@link #frameAt}{@code (from)}.
     * Valid until the next call or close.
     *
     * @throws MediaException when no frame decodes there (a damaged or truncated file)
     */
    AVFrame keyframeWithin(double from, double until, Cancellation cancel) {
        long start = startPts + (long) Math.ceil((from - TOLERANCE_SECONDS) / timeBase);
        long end = startPts + (long) Math.ceil((until - TOLERANCE_SECONDS) / timeBase);
        // Without AVSEEK_FLAG_BACKWARD a seek lands on the first keyframe at or after the time.
        if (seek(start, 0) >= 0) {
            AVFrame f = next(cancel);
            if (f != null && Decoder.timestamp(f) >= start && Decoder.timestamp(f) < end) {
                return f;
            }
        }
        return frameAt(from, cancel);
    }

    /** Seeks the video stream to {@code pts} with {@code flags} and empties the decoder; FFmpeg's result code. */
    private int seek(long pts, int flags) {
        int ret = avformat.av_seek_frame(in.context(), stream, pts, flags);
        if (ret >= 0) {
            avcodec.avcodec_flush_buffers(decoder.context());
            ended = false;
        }
        return ret;
    }

    /** The next picture the decoder gives after the last seek (in {@code frame}), null at the end of the file. */
    private AVFrame next(Cancellation cancel) {
        for (;;) {
            if (decoder.receive(frame)) {
                decoded++;
                return frame;
            }
            if (ended) {
                return null;
            }
            cancel.check(what);
            ended = !readVideo();
            decoder.send(ended ? null : pkt);
        }
    }

    /** Frames decoded so far: the work the seeks left to do. */
    long decoded() {
        return decoded;
    }

    /** Reads the next packet of the video stream; false at the end of the file. */
    private boolean readVideo() {
        while (in.read(pkt)) {
            if (pkt.stream_index() == stream) {
                return true;
            }
        }
        return false;
    }

    private String describe(double seconds) {
        return String.format(Locale.ROOT, "%.3f s in %s", seconds, file);
    }

    @Override
    public void close() {
        avcodec.av_packet_free(pkt);
        avutil.av_frame_free(frame);
        avutil.av_frame_free(earlier);
        decoder.close();
        in.close();
    }
}
