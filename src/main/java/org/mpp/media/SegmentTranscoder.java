package org.mpp.media;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.Rational;
import org.mpp.config.Settings;
import org.mpp.ladder.Rendition;

/**
 * Encodes one segment into every rendition, decoding it once.
 *
 * <p>Output frames sit on a constant-rate grid of slots counted from the source's first frame: slot k of a
 * rendition at rate f shows the last source frame whose time is before (k + ½)/f. Frames are dropped or
 * repeated by timestamp, so a capped or variable-rate source keeps its timeline, and because a segment owns
 * the slots whose frames it owns, segments join without gaps or overlaps.
 */
final class SegmentTranscoder {
    private static final Rational TIE = Rational.of(1, 1000);

    private SegmentTranscoder() {
    }

    /** What was encoded for one rendition: the file and its frame count. */
    record Encoded(Rendition rendition, Path file, long frames) {
    }

    /** One rendition's encoder state while a segment is being encoded. */
    private static final class Output implements AutoCloseable {
        final Rendition rendition;
        final Rational rate;
        final long firstSlot;
        final long endSlot;
        final Muxer muxer;
        final VideoFilter filter;
        final VideoEncoder encoder;
        long nextSlot;
        /** Slots one source frame may fill: its longest allowed time on screen, plus one for rounding. */
        final long maxRepeats;
        long repeats;
        long repeatedGeneration = -1;
        long filteredGeneration = -1;
        AVFrame filtered;
        /** The stills to take from this rendition's pictures, by slot. */
        final ArrayDeque<StillShot> shots = new ArrayDeque<>();
        private final Map<String, VideoFilter> stillScalers = new HashMap<>();

        Output(Rendition r, long firstSlot, long endSlot, Path file, int gopFrames, int threads, int rotation, double maxGapSeconds) {
            this.rendition = r;
            this.maxRepeats = (long) Math.ceil(maxGapSeconds * r.frameRate().toDouble()) + 1;
            this.rate = r.frameRate();
            this.firstSlot = firstSlot;
            this.endSlot = endSlot;
            this.nextSlot = firstSlot;
            this.muxer = Muxer.create(file, "mp4");
            VideoFilter f = null;
            VideoEncoder e = null;
            try {
                f = new VideoFilter(VideoFilter.uprightScaled(rotation, r.width(), r.height()), 1);
                e = VideoEncoder.open(r, gopFrames, threads, muxer);
            } catch (RuntimeException ex) {
                if (f != null) {
                    f.close();
                }
                muxer.close();
                throw ex;
            }
            this.filter = f;
            this.encoder = e;
        }

        /** The slot's threshold: a frame shown at or after (k + ½)/rate belongs to a later slot. */
        Rational threshold(long slot) {
            return Rational.of(2 * slot + 1, 2).times(rate.inverse());
        }

        /** Takes the stills planned for {@link #nextSlot} from {@link #filtered}. */
        void takeStills() {
            while (!shots.isEmpty() && shots.peek().slot() <= nextSlot) {
                StillShot shot = shots.poll();
                if (shot.slot() < nextSlot) {
                    continue; // Not in this segment's slots: planned for another.
                }
                String chain = JpegWriter.scaleChain(shot.width(), shot.height());
                AVFrame picture = stillScalers.computeIfAbsent(chain, c -> new VideoFilter(c, 1)).apply(filtered);
                if (shot.jpeg()) {
                    JpegWriter.write(picture, shot.file());
                } else {
                    RawPicture.write(picture, shot.file());
                }
            }
        }

        @Override
        public void close() {
            encoder.close();
            filter.close();
            muxer.close();
            stillScalers.values().forEach(VideoFilter::close);
        }
    }

    /** The first output slot at or after source time {@code t} (seconds from the video's first frame). */
    static long firstSlot(Rational t, Rational rate) {
        return t.times(rate).minus(Rational.of(1, 2)).floor() + 1;
    }

    /**
     * Encodes {@code segmentFile} into every rendition.
     *
     * @param outputFor where each rendition's encoded segment goes (written atomically)
     * @param strict fail on damage in an owned frame or a packet the decoder rejects, instead of concealing it
     * @throws BadInputException when the segment yields fewer frames than it owns, or (strict) shows damage
     */
    static List<Encoded> transcode(Path segmentFile, Segment segment, MediaInfo info, List<Rendition> renditions,
            Function<Rendition, Path> outputFor, double gopSeconds, int decoderThreads, int encoderThreads,
            boolean strict, Progress progress, Cancellation cancel) {
        return transcode(segmentFile, segment, info, renditions, outputFor, gopSeconds, decoderThreads, encoderThreads, strict,
                Settings.Limits.reference(), List.of(), progress, cancel);
    }

    /**
     * As above, within {@code limits}: a video decoder that refuses pictures of more than {@code maxPixels}, and no source
     * frame repeated for longer than {@code maxFrameGapSeconds} (the probe refuses such sources; this holds for a job
     * probed before the limit was lowered, or by an older node, before the repeats are encoded). Takes {@code shots} (those
     * whose slot is not in this segment are ignored) from the renditions' pictures as they are encoded.
     */
    static List<Encoded> transcode(Path segmentFile, Segment segment, MediaInfo info, List<Rendition> renditions,
            Function<Rendition, Path> outputFor, double gopSeconds, int decoderThreads, int encoderThreads,
            boolean strict, Settings.Limits limits, List<StillShot> shots, Progress progress, Cancellation cancel) {
        long maxPixels = limits.maxPixels();
        Rational videoStart = info.video().start();
        List<Output> outputs = new ArrayList<>();
        AVPacket pkt = avcodec.av_packet_alloc();
        AVFrame decoded = avutil.av_frame_alloc();
        AVFrame held = avutil.av_frame_alloc();
        String what = "Transcoding segment " + segment.index() + " of " + info.file();
        try (Demuxer in = Demuxer.open(segmentFile);
                Decoder dec = Decoder.open(in.stream(0), decoderThreads, false, segmentFile.toString(), maxPixels)) {
            for (Rendition r : renditions) {
                long first = firstSlot(segment.from().minus(videoStart), r.frameRate());
                long end = firstSlot(segment.to().minus(videoStart), r.frameRate());
                outputs.add(new Output(r, first, end, outputFor.apply(r),
                        VideoEncoder.gopFrames(r.frameRate(), gopSeconds), encoderThreads, info.video().rotation(),
                        limits.maxFrameGapSeconds()));
            }
            shots.stream().sorted(java.util.Comparator.comparingLong(StillShot::slot)).forEach(shot -> outputs.get(shot.rendition()).shots.add(shot));
            SegmentClock clock = null;
            long generation = -1;
            Rational lastTime = null;
            long owned = 0;
            boolean more = true;
            while (more) {
                cancel.check(what);
                more = in.read(pkt);
                if (more && clock == null) {
                    clock = new SegmentClock(segment, in.timeBase(0), pkt.pts());
                }
                int ret = dec.send(more ? pkt : null);
                if (ret < 0 && strict && more && clock.owns(pkt.pts())) {
                    throw new BadInputException(String.format(java.util.Locale.ROOT, "%s: decode error in the video near %.2f s (%s)", info.file(),
                            clock.sourceTime(pkt.pts()).toDouble(), Ffmpeg.errorText(ret)));
                }
                if (ret < 0) {
                    continue; // Damaged packet: the decoder conceals; the frame count check below catches loss.
                }
                while (dec.receive(decoded)) {
                    long pts = Decoder.timestamp(decoded);
                    if (clock == null || !clock.owns(pts)) {
                        avutil.av_frame_unref(decoded);
                        continue;
                    }
                    if (strict && Decoder.isDamaged(decoded)) {
                        throw new BadInputException(String.format(java.util.Locale.ROOT, "%s: decode error in the video near %.2f s (the decoder "
                                + "had to conceal damage in the frame)", info.file(), clock.sourceTime(pts).toDouble()));
                    }
                    Rational t = clock.sourceTime(pts).minus(videoStart);
                    owned++;
                    progress.update(Math.min(1.0, (double) owned / Math.max(1, segment.frames())));
                    int order = lastTime == null ? 1 : t.compareTo(lastTime);
                    if (order < 0) {
                        // Shown before a frame already placed (timestamps went back, as at a badly joined file): its
                        // slots are encoded, so it is dropped, as a player's or the ffmpeg CLI's frame-rate filter does.
                        avutil.av_frame_unref(decoded);
                        continue;
                    }
                    if (order == 0) {
                        // Two frames at one time (a join whose muxer raised a PTS to keep DTS monotonic): no slot lies
                        // between them, and the later one is what stays on screen, so it replaces the held frame.
                        avutil.av_frame_unref(held);
                        avutil.av_frame_move_ref(held, decoded);
                        generation++;
                        continue;
                    }
                    if (generation < 0) {
                        avutil.av_frame_move_ref(held, decoded);
                        generation++;
                        emitUntil(outputs, t, held, generation, what);
                    } else {
                        emitUntil(outputs, t, held, generation, what);
                        avutil.av_frame_unref(held);
                        avutil.av_frame_move_ref(held, decoded);
                        generation++;
                    }
                    lastTime = t;
                }
            }
            if (generation < 0) {
                throw new BadInputException(what + ": the segment decoded to no frames");
            }
            if (owned < segment.frames()) {
                throw new BadInputException(what + ": decoded " + owned + " of " + segment.frames() + " frames");
            }
            emitUntil(outputs, null, held, generation, what);
            List<Encoded> result = new ArrayList<>();
            for (Output o : outputs) {
                o.encoder.encode(null, 0);
                if (o.encoder.packets() != o.endSlot - o.firstSlot) {
                    throw new MediaException(what + ": " + o.rendition.label() + " got " + o.encoder.packets()
                            + " packets for " + (o.endSlot - o.firstSlot) + " frames");
                }
                o.muxer.finish();
                result.add(new Encoded(o.rendition, o.muxer.target(), o.endSlot - o.firstSlot));
            }
            return result;
        } finally {
            for (Output o : outputs) {
                o.close();
            }
            avcodec.av_packet_free(pkt);
            avutil.av_frame_free(decoded);
            avutil.av_frame_free(held);
        }
    }

    /**
     * Fills every slot whose threshold is at or before {@code t} (all remaining slots when t is null) with
     * {@code frame}. A frame within {@link #TIE} of a threshold counts as at it: segment files round times to the
     * millisecond, and an exact tie (30 fps into 15) must not flip with the rounding.
     */
    private static void emitUntil(List<Output> outputs, Rational t, AVFrame frame, long generation, String what) {
        Rational late = t == null ? null : t.plus(TIE);
        for (Output o : outputs) {
            while (o.nextSlot < o.endSlot && (late == null || o.threshold(o.nextSlot).compareTo(late) <= 0)) {
                if (o.repeatedGeneration != generation) {
                    o.repeatedGeneration = generation;
                    o.repeats = 0;
                }
                if (++o.repeats > o.maxRepeats) {
                    throw new BadInputException(String.format(java.util.Locale.ROOT, "%s: one source frame would fill more than "
                            + "%d frames of %s (%.1f s), longer than mpp.media.max-frame-gap-seconds allows", what,
                            o.maxRepeats - 1, o.rendition.label(), (o.maxRepeats - 1) / o.rate.toDouble()));
                }
                if (o.filteredGeneration != generation) {
                    o.filtered = o.filter.apply(frame);
                    o.filteredGeneration = generation;
                }
                o.takeStills();
                o.encoder.encode(o.filtered, o.nextSlot - o.firstSlot);
                o.nextSlot++;
            }
        }
    }
}
