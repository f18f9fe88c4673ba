package org.mpp.media;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.mpp.Rational;
import org.mpp.ladder.Rendition;

/**
 * One rendition's encoder state while a segment is encoded: its slots, scaler, encoder, muxer and stills. Used by one
 * thread at a time (its {@link EncoderLane}).
 */
final class RenditionOutput implements AutoCloseable {
    /** A frame within this of a slot's threshold counts as at it (see {@link #fillUntil}). */
    private static final Rational TIE = Rational.of(1, 1000);

    final Rendition rendition;
    private final Rational rate;
    private final long firstSlot;
    private final long endSlot;
    private final Muxer muxer;
    private final VideoFilter filter;
    private final VideoEncoder encoder;
    private long nextSlot;
    /** Slots one source frame may fill: its longest allowed time on screen, plus one for rounding. */
    private final long maxRepeats;
    private long repeats;
    private long repeatedGeneration = -1;
    private long filteredGeneration = -1;
    private AVFrame filtered;
    /** The stills to take from this rendition's pictures, by slot. */
    final ArrayDeque<StillShot> shots = new ArrayDeque<>();
    private final Map<String, VideoFilter> stillScalers = new HashMap<>();

    RenditionOutput(Rendition r, long firstSlot, long endSlot, Path file, int gopFrames, int threads, int rotation, double maxGapSeconds) {
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

    /**
     * Fills every slot whose threshold is at or before {@code t} (all remaining slots when t is null) with
     * {@code frame}. A frame within {@link #TIE} of a threshold counts as at it: segment files round times to the
     * millisecond, and an exact tie (30 fps into 15) must not flip with the rounding.
     *
     * @param generation which decoded picture {@code frame} is: the same one may come again with a later {@code t}, and
     *     is scaled once
     * @throws BadInputException when one picture would fill more slots than mpp.media.max-frame-gap-seconds allows
     */
    void fillUntil(Rational t, AVFrame frame, long generation, String what) {
        Rational late = t == null ? null : t.plus(TIE);
        while (nextSlot < endSlot && (late == null || threshold(nextSlot).compareTo(late) <= 0)) {
            if (repeatedGeneration != generation) {
                repeatedGeneration = generation;
                repeats = 0;
            }
            if (++repeats > maxRepeats) {
                throw new BadInputException(String.format(java.util.Locale.ROOT, "%s: one source frame would fill more than "
                        + "%d frames of %s (%.1f s), longer than mpp.media.max-frame-gap-seconds allows", what,
                        maxRepeats - 1, rendition.label(), (maxRepeats - 1) / rate.toDouble()));
            }
            if (filteredGeneration != generation) {
                filtered = filter.apply(frame);
                filteredGeneration = generation;
            }
            takeStills();
            encoder.encode(filtered, nextSlot - firstSlot);
            nextSlot++;
        }
    }

    /** Flushes the encoder and finishes the file once every slot is filled. */
    SegmentTranscoder.Encoded finish(String what) {
        encoder.encode(null, 0);
        if (encoder.packets() != endSlot - firstSlot) {
            throw new MediaException(what + ": " + rendition.label() + " got " + encoder.packets() + " packets for " + (endSlot - firstSlot) + " frames");
        }
        muxer.finish();
        return new SegmentTranscoder.Encoded(rendition, muxer.target(), endSlot - firstSlot);
    }

    /** The slot's threshold: a frame shown at or after (k + ½)/rate belongs to a later slot. */
    private Rational threshold(long slot) {
        return Rational.of(2 * slot + 1, 2).times(rate.inverse());
    }

    /** Takes the stills planned for {@link #nextSlot} from {@link #filtered}. */
    private void takeStills() {
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
