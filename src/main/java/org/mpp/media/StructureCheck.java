package org.mpp.media;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.Rational;

/**
 * Proves a source whole packet by packet, in whatever pass reads it: {@link IntegrityChecker}'s own, or the
 * {@link Segmenter}'s while it cuts (one read of the file instead of two). Counts the video's packets against the
 * container's index, decodes the audio (and, when asked, the video) and listens to the log of the demuxer and decoders:
 * FFmpeg's decoders conceal damage and carry on, reporting it only through the log (they run slice threads only, so
 * their messages carry one context pointer). Read with {@link #read}, hand every packet to {@link #accept}, then call
 * {@link #finish}, which throws {@link BadInputException} describing the first problem and where it is. Not thread-safe.
 */
final class StructureCheck implements AutoCloseable {
    private final Path file;
    private final Demuxer in;
    private final int v;
    private final int a;
    private final Rational tb;
    private final double duration;
    private final Decoder video;
    private final Decoder audio;
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final AVFrame frame = avutil.av_frame_alloc();
    private final Consumer<String> collect;
    private double position;
    private long videoPackets;
    private long videoFrames;
    private long damaged;
    private long discarded;

    /** @param decodeVideo false to read the video's packets without decoding them (the structural check) */
    StructureCheck(Demuxer in, Path file, MediaInfo info, int threads, boolean decodeVideo, long maxPixels) {
        this.file = file;
        this.in = in;
        this.v = info.video().streamIndex();
        this.a = info.audio() == null ? -1 : info.audio().streamIndex();
        this.tb = in.timeBase(v);
        this.duration = Math.max(info.durationSeconds(), 0.001);
        this.collect = msg -> {
            if (errors.size() < 20) {
                errors.add(String.format(Locale.ROOT, "%s (near %.2f s)", msg, position));
            }
        };
        Decoder vd = null;
        Decoder ad = null;
        try {
            vd = decodeVideo ? Decoder.open(in.stream(v), threads, true, file.toString(), maxPixels) : null;
            ad = a < 0 ? null : Decoder.open(in.stream(a), 1, true, file.toString());
        } catch (RuntimeException e) {
            if (vd != null) {
                vd.close();
            }
            avutil.av_frame_free(frame);
            throw e;
        }
        this.video = vd;
        this.audio = ad;
        if (video != null) {
            LogRouter.listen(video.context(), collect);
        }
        if (audio != null) {
            LogRouter.listen(audio.context(), collect);
        }
    }

    /** Reads the next packet of any stream; false at the end. A read error fails with how far the file could be read. */
    boolean read(AVPacket pkt) {
        try {
            return in.read(pkt);
        } catch (BadInputException e) {
            throw new BadInputException(String.format(Locale.ROOT, "%s: unreadable after %.2f s of %.2f s: %s",
                    file, position, duration, in.errors().isEmpty() ? e.getMessage() : in.errors().get(0)));
        }
    }

    /** Where the check stands in the source, 0 to 1, by the last video packet's time. */
    double position() {
        return Math.min(1, position / duration);
    }

    /** Checks one packet just read (any stream: others are ignored). */
    void accept(AVPacket pkt) {
        int stream = pkt.stream_index();
        if (stream != v && stream != a) {
            return;
        }
        if (stream == v) {
            if ((pkt.flags() & avcodec.AV_PKT_FLAG_DISCARD) != 0) {
                discarded++; // Before an edit list's start: decoded as a reference, never shown.
            }
            if (pkt.pts() != avutil.AV_NOPTS_VALUE) {
                position = Rational.time(pkt.pts(), tb).toDouble();
            }
            videoPackets++;
        }
        decode(stream == v ? video : audio, pkt);
    }

    private void decode(Decoder d, AVPacket pkt) {
        if (d == null) {
            return;
        }
        if (d.send(pkt) < 0) {
            collect.accept("packet rejected by the decoder");
        }
        while (d.receive(frame)) {
            if (d == video) {
                videoFrames++;
                damaged += Decoder.isDamaged(frame) ? 1 : 0;
            }
            avutil.av_frame_unref(frame);
        }
    }

    /**
     * Drains the decoders once every packet was read, and judges.
     *
     * @throws BadInputException describing the first problem found and where it is
     */
    void finish() {
        decode(video, null);
        decode(audio, null);
        errors.addAll(0, in.errors());
        long indexed = in.stream(v).nb_frames();
        if (indexed > 0 && videoPackets < indexed) {
            throw new BadInputException(file + ": truncated: only " + videoPackets + " of the " + indexed
                    + " video frames its index lists are present" + (errors.isEmpty() ? "" : " (" + errors.get(0) + ")"));
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(file + ": " + errors.size() + (errors.size() >= 20 ? "+" : "")
                    + " decode error(s), first: " + errors.get(0));
        }
        if (video != null && (videoFrames < videoPackets - discarded || damaged > 0)) {
            throw new BadInputException(file + ": " + videoFrames + " of " + (videoPackets - discarded) + " video frames decoded, "
                    + damaged + " damaged");
        }
    }

    @Override
    public void close() {
        if (video != null) {
            LogRouter.forget(video.context());
            video.close();
        }
        if (audio != null) {
            LogRouter.forget(audio.context());
            audio.close();
        }
        avutil.av_frame_free(frame);
    }
}
