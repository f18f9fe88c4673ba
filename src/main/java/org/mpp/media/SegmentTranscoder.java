package org.mpp.media;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.Rational;
import org.mpp.config.Settings;
import org.mpp.ladder.Rendition;

/**
 * Encodes one segment into every rendition, decoding it once: the calling thread decodes, and each rendition scales
 * and encodes on an {@link EncoderLane} of its own.
 *
 * <p>Output frames sit on a constant-rate grid of slots counted from the source's first frame: slot k of a
 * rendition at rate f shows the last source frame whose time is before (k + ½)/f. Frames are dropped or
 * repeated by timestamp, so a capped or variable-rate source keeps its timeline, and because a segment owns
 * the slots whose frames it owns, segments join without gaps or overlaps.
 */
final class SegmentTranscoder {
    private SegmentTranscoder() {
    }

    /** What was encoded for one rendition: the file and its frame count. */
    record Encoded(Rendition rendition, Path file, long frames) {
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
        List<EncoderLane> lanes = new ArrayList<>();
        AVPacket pkt = avcodec.av_packet_alloc();
        AVFrame decoded = avutil.av_frame_alloc();
        AVFrame held = avutil.av_frame_alloc();
        String what = "Transcoding segment " + segment.index() + " of " + info.file();
        try (Demuxer in = Demuxer.openOwn(segmentFile);
                Decoder dec = Decoder.open(in.stream(0), decoderThreads, false, segmentFile.toString(), maxPixels)) {
            List<StillShot> sorted = shots.stream().sorted(java.util.Comparator.comparingLong(StillShot::slot)).toList();
            for (int i = 0; i < renditions.size(); i++) {
                Rendition r = renditions.get(i);
                long first = firstSlot(segment.from().minus(videoStart), r.frameRate());
                long end = firstSlot(segment.to().minus(videoStart), r.frameRate());
                RenditionOutput o = new RenditionOutput(r, first, end, outputFor.apply(r),
                        VideoEncoder.gopFrames(r.frameRate(), gopSeconds), encoderThreads, info.video().rotation(),
                        limits.maxFrameGapSeconds());
                int index = i;
                sorted.stream().filter(shot -> shot.rendition() == index).forEach(o.shots::add);
                try {
                    lanes.add(new EncoderLane(o, what));
                } catch (RuntimeException | Error e) {
                    o.close();
                    throw e;
                }
            }
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
                        emitUntil(lanes, t, held, generation);
                    } else {
                        emitUntil(lanes, t, held, generation);
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
            emitUntil(lanes, null, held, generation);
            List<Encoded> result = new ArrayList<>();
            for (EncoderLane lane : lanes) {
                result.add(lane.finish());
            }
            return result;
        } finally {
            for (EncoderLane lane : lanes) {
                lane.close();
            }
            avcodec.av_packet_free(pkt);
            avutil.av_frame_free(decoded);
            avutil.av_frame_free(held);
        }
    }

    /** Hands {@code frame} to every rendition's lane, to fill its slots up to {@code t} (null: every slot left). */
    private static void emitUntil(List<EncoderLane> lanes, Rational t, AVFrame frame, long generation) {
        for (EncoderLane lane : lanes) {
            lane.hand(frame, t, generation);
        }
    }
}
