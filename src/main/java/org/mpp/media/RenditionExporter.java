package org.mpp.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.PhaseTimes;
import org.mpp.PhaseTimes.Phase;
import org.mpp.Rational;

/**
 * Joins one rendition's encoded segments into a single MP4 and adds the source's audio, encoded to AAC.
 * Stateless; each call uses its own FFmpeg contexts, so concurrent exports are safe.
 */
final class RenditionExporter {
    private static final Map<String, String> MP4_OPTIONS = Map.of("movflags", "+faststart");
    /** Progress is reported when it has moved this much, to keep listeners cheap. */
    private static final double PROGRESS_STEP = 0.005;

    private RenditionExporter() {
    }

    /**
     * Writes {@code output}: the segments' video packets copied in order on one continuous timeline (no
     * re-encode), plus the audio track of {@code source} encoded to AAC at {@code audioBitrateKbps}, aligned so
     * that time 0 is the source's first video frame. The MP4 has its index at the front (faststart). The file
     * appears atomically: on failure or cancellation nothing is left at {@code output}.
     *
     * <p>The segments must be H.264 (or any codec MP4 carries) at one constant frame rate, pts counting frames
     * from 0, each starting with a keyframe and encoded with identical settings and size. {@code info.audio()}
     * null gives a video-only file.
     *
     * @throws MediaException when a segment is missing, unreadable, or differs from the first (codec, size,
     *     codec headers); the message names the segment
     * @throws BadInputException when the source's audio cannot be read
     * @throws CancelledException when {@code cancel} was triggered
     */
    static void export(List<Path> segments, Path source, MediaInfo info, int audioBitrateKbps, Path output,
            Progress progress, Cancellation cancel) {
        export(segments, source, info, audioBitrateKbps, output, progress, cancel, new PhaseTimes(), null);
    }

    /**
     * As above, adding the time spent reading segments, encoding audio and writing the file to {@code times}, and
     * sharing the encoded audio through {@code shared} (may be null): the first export at a bit rate encodes it there,
     * later ones at that bit rate, on this thread or others at the same time, copy its packets.
     */
    static void export(List<Path> segments, Path source, MediaInfo info, int audioBitrateKbps, Path output,
            Progress progress, Cancellation cancel, PhaseTimes times, SharedAudio shared) {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("No segments to export into " + output);
        }
        MediaInfo.AudioInfo audioInfo = info.audio();
        double total = trackSeconds(info);
        // The first export of a shared track at this bit rate encodes it for the others; they copy its packets.
        boolean recording = audioInfo != null && shared != null && shared.claimRecording(audioBitrateKbps, total);
        boolean replay = !recording && audioInfo != null && shared != null && shared.shares(audioBitrateKbps);
        try {
            write(segments, source, info, audioBitrateKbps, output, progress, cancel, times, total, recording ? shared : null,
                    replay ? shared : null);
            if (recording) {
                shared.finishRecording();
            }
        } catch (RuntimeException | Error e) {
            if (recording) {
                shared.fail(e instanceof RuntimeException r ? r : new MediaException(e.toString(), e));
            }
            throw e;
        }
    }

    /** How long an export of this source lasts: its video, or its audio from the first video frame where that is longer. */
    static double trackSeconds(MediaInfo info) {
        double total = info.video().duration().toDouble();
        MediaInfo.AudioInfo audio = info.audio();
        if (audio != null) {
            total = Math.max(total, audio.startSeconds() + audio.durationSeconds() - info.video().start().toDouble());
        }
        return total;
    }

    private static void write(List<Path> segments, Path source, MediaInfo info, int audioBitrateKbps, Path output,
            Progress progress, Cancellation cancel, PhaseTimes times, double total, SharedAudio recording, SharedAudio replay) {
        String operation = "Exporting " + output;
        MediaInfo.AudioInfo audioInfo = info.audio();
        AVPacket vpkt = avcodec.av_packet_alloc();
        AVPacket apkt = avcodec.av_packet_alloc();
        try (SegmentChain video = SegmentChain.open(segments);
                Muxer muxer = Muxer.create(output, "mp4");
                AudioTrackEncoder audio = audioInfo == null || replay != null ? null
                        : AudioTrackEncoder.open(source, info, audioBitrateKbps, muxer.wantsGlobalHeader())) {
            long t = System.nanoTime();
            if (recording != null) {
                recording.startRecording(audio.encoder());
            }
            int vStream = muxer.addCopyStream(video.parameters(), video.frameRate().inverse());
            int aStream = replay != null ? muxer.addCopyStream(replay.awaitParameters(cancel), replay.timeBase())
                    : audio == null ? -1 : muxer.addStream(audio.encoder());
            AudioFeed feed = new AudioFeed(audio, replay, recording, cancel);
            muxer.start(MP4_OPTIONS);
            Rational vtb = muxer.timeBase(vStream);
            video.outputTimeBase(vtb);
            Rational atb = aStream < 0 ? null : muxer.timeBase(aStream);
            t = lap(times, Phase.MUX, t);

            boolean haveVideo = video.next(vpkt);
            t = lap(times, Phase.CONCAT, t);
            boolean haveAudio = aStream >= 0 && feed.next(apkt, atb);
            t = lap(times, Phase.AUDIO, t);
            double reported = 0;
            while (haveVideo || haveAudio) {
                cancel.check(operation);
                boolean takeVideo = haveVideo && (!haveAudio
                        || avutil.av_compare_ts(vpkt.dts(), Ffmpeg.av(vtb), apkt.dts(), Ffmpeg.av(atb)) <= 0);
                AVPacket pkt = takeVideo ? vpkt : apkt;
                Rational end = Rational.time(pkt.pts() + pkt.duration(), takeVideo ? vtb : atb);
                pkt.stream_index(takeVideo ? vStream : aStream);
                muxer.write(pkt);
                t = lap(times, Phase.MUX, t);
                if (takeVideo) {
                    haveVideo = video.next(vpkt);
                    t = lap(times, Phase.CONCAT, t);
                } else {
                    haveAudio = feed.next(apkt, atb);
                    t = lap(times, Phase.AUDIO, t);
                }
                double fraction = total > 0 ? Math.min(1, end.toDouble() / total) : 0;
                if (fraction >= reported + PROGRESS_STEP) {
                    reported = fraction;
                    progress.update(fraction);
                }
            }
            cancel.check(operation);
            muxer.finish();
            lap(times, Phase.MUX, t);
            progress.update(1.0);
        } finally {
            avcodec.av_packet_free(vpkt);
            avcodec.av_packet_free(apkt);
        }
    }

    /** Adds the time since {@code since} to {@code phase}; returns now. */
    private static long lap(PhaseTimes times, Phase phase, long since) {
        long now = System.nanoTime();
        times.add(phase, now - since);
        return now;
    }

    /** The audio packets of one export: encoded now (and kept in {@code recording} if given) or copied from {@code replay}. */
    private static final class AudioFeed {
        private final AudioTrackEncoder encoder;
        private final SharedAudio replay;
        private final SharedAudio recording;
        private final Cancellation cancel;
        private int index;

        AudioFeed(AudioTrackEncoder encoder, SharedAudio replay, SharedAudio recording, Cancellation cancel) {
            this.encoder = encoder;
            this.replay = replay;
            this.recording = recording;
            this.cancel = cancel;
        }

        /** Puts the next packet into {@code pkt}, timestamps in the muxer's time base; false at the end. */
        boolean next(AVPacket pkt, Rational muxerTimeBase) {
            Rational tb;
            if (replay != null) {
                if (!replay.copy(index++, pkt, cancel)) {
                    return false;
                }
                tb = replay.timeBase();
            } else {
                if (!encoder.next(pkt)) {
                    if (recording != null) {
                        recording.finishRecording();
                    }
                    return false;
                }
                if (recording != null) {
                    recording.record(pkt);
                }
                tb = encoder.timeBase();
            }
            avcodec.av_packet_rescale_ts(pkt, Ffmpeg.av(tb), Ffmpeg.av(muxerTimeBase));
            return true;
        }
    }

    /**
     * The segments' video packets in order, retimed onto one timeline. Within a segment the k-th packet in
     * decode order gets dts = offset + k - delay frames and its pts = offset + its frame index, where offset is
     * the number of frames in the segments before it. A fixed delay (the first segment's reorder depth) keeps
     * dts strictly increasing across joins even where a segment's own muxer chose a different shift (a
     * one-frame segment is stored with dts = pts).
     */
    private static final class SegmentChain implements AutoCloseable {
        private final List<Path> files;
        private final AVCodecParameters reference;
        private final Rational frameRate;
        private Demuxer in;
        private int stream;
        private int index;
        private Rational frameTicks;
        private long delay = -1;
        private long offset;
        private long decoded;
        private long firstPts;

        private SegmentChain(List<Path> files, Demuxer first, int stream, Rational frameRate) {
            this.files = files;
            this.in = first;
            this.stream = stream;
            this.frameRate = frameRate;
            this.reference = avcodec.avcodec_parameters_alloc();
            Ffmpeg.check(avcodec.avcodec_parameters_copy(reference, first.stream(stream).codecpar()),
                    "Copying the parameters of " + name(0, files));
        }

        static SegmentChain open(List<Path> files) {
            Demuxer first = openSegment(files, 0);
            try {
                int stream = videoStream(first, files, 0);
                return new SegmentChain(files, first, stream, frameRate(first.stream(stream), files));
            } catch (RuntimeException e) {
                first.close();
                throw e;
            }
        }

        AVCodecParameters parameters() {
            return reference;
        }

        Rational frameRate() {
            return frameRate;
        }

        void outputTimeBase(Rational timeBase) {
            frameTicks = frameRate.inverse().times(timeBase.inverse());
        }

        /** Puts the next retimed packet into {@code pkt} (time base as given to {@link #outputTimeBase}); false after the last segment. */
        boolean next(AVPacket pkt) {
            for (;;) {
                if (in == null) {
                    if (index + 1 >= files.size()) {
                        return false;
                    }
                    index++;
                    in = openSegment(files, index);
                    stream = videoStream(in, files, index);
                    checkMatches(in.stream(stream).codecpar());
                    decoded = 0;
                }
                if (!readSegment(pkt)) {
                    offset += decoded;
                    in.close();
                    in = null;
                    continue;
                }
                if (pkt.stream_index() == stream) {
                    retime(pkt);
                    return true;
                }
            }
        }

        private boolean readSegment(AVPacket pkt) {
            try {
                return in.read(pkt);
            } catch (MediaException e) {
                throw new MediaException(name(index, files) + " cannot be read: " + e.getMessage(), e);
            }
        }

        private void retime(AVPacket pkt) {
            Rational tb = in.timeBase(stream);
            long pts = pkt.pts() != AV_NOPTS_VALUE ? pkt.pts() : pkt.dts();
            if (decoded == 0) {
                if ((pkt.flags() & avcodec.AV_PKT_FLAG_KEY) == 0) {
                    throw new MediaException(name(index, files) + " does not start with a keyframe, so it cannot be joined");
                }
                firstPts = pts;
                if (delay < 0) {
                    long stored = pkt.dts() == AV_NOPTS_VALUE ? 0 : frames(pts - pkt.dts(), tb);
                    delay = Math.max(reference.video_delay(), stored);
                }
            }
            long frame = frames(pts - firstPts, tb);
            long dtsFrame = decoded - delay;
            if (dtsFrame > frame) {
                throw new MediaException(name(index, files) + " reorders frames deeper than the first segment ("
                        + delay + " frames): packet " + decoded + " shows frame " + frame);
            }
            pkt.pts(ticks(offset + frame));
            pkt.dts(ticks(offset + dtsFrame));
            pkt.duration(ticks(1));
            pkt.pos(-1);
            decoded++;
        }

        /** A duration in the segment's time base, as a whole number of frames (rounded: 1/fps may not be exact in it). */
        private long frames(long duration, Rational tb) {
            return Rational.time(duration, tb).times(frameRate).round();
        }

        private long ticks(long frames) {
            return frameTicks.times(Rational.of(frames)).round();
        }

        private void checkMatches(AVCodecParameters par) {
            String diff = null;
            if (par.codec_id() != reference.codec_id()) {
                diff = "codec " + avcodec.avcodec_get_name(par.codec_id()).getString() + " instead of "
                        + avcodec.avcodec_get_name(reference.codec_id()).getString();
            } else if (par.width() != reference.width() || par.height() != reference.height()) {
                diff = "size " + par.width() + "x" + par.height() + " instead of " + reference.width() + "x" + reference.height();
            } else if (!Arrays.equals(Ffmpeg.extradata(par), Ffmpeg.extradata(reference))) {
                diff = "codec headers (extradata) that differ from the first segment's: another encoder setting";
            }
            if (diff != null) {
                throw new MediaException(name(index, files) + " does not match the first segment: " + diff
                        + ". Re-encode the rendition's segments with the same settings.");
            }
        }

        private static Demuxer openSegment(List<Path> files, int i) {
            try {
                return Demuxer.openOwn(files.get(i));
            } catch (MediaException e) {
                // Not a BadInputException: a broken segment is our output, not the uploader's source.
                throw new MediaException(name(i, files) + " cannot be opened: " + e.getMessage(), e);
            }
        }

        private static int videoStream(Demuxer in, List<Path> files, int i) {
            int stream = in.bestStream(AVMEDIA_TYPE_VIDEO);
            if (stream < 0) {
                throw new MediaException(name(i, files) + " has no video stream");
            }
            return stream;
        }

        private static Rational frameRate(AVStream st, List<Path> files) {
            Rational r = Ffmpeg.rational(st.r_frame_rate());
            if (!r.isPositive()) {
                r = Ffmpeg.rational(st.avg_frame_rate());
            }
            if (!r.isPositive()) {
                throw new MediaException(name(0, files) + " has no frame rate");
            }
            return r;
        }

        private static String name(int i, List<Path> files) {
            return "Segment " + (i + 1) + " of " + files.size() + " (" + files.get(i) + ")";
        }

        @Override
        public void close() {
            if (in != null) {
                in.close();
                in = null;
            }
            avcodec.avcodec_parameters_free(reference);
        }
    }
}
