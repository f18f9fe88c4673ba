package org.mpp.media;

import org.mpp.Rational;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;

/**
 * The video packets of a file in decode order, read without decoding (cheap: about 0.5 s for 10 s of 1080p).
 * Gives keyframes, frame timing and the exact end of the track; the segmenter plans its cuts on it.
 */
final class PacketIndex {
    final int stream;
    final Rational timeBase;
    final long[] pts;
    final boolean[] key;
    /**
     * Packets to decode but not show: before the start of an MP4 edit list (FFmpeg's AV_PKT_FLAG_DISCARD); the decoder
     * drops their frames, so they count as no frame of the source.
     */
    final boolean[] discard;
    /** Packets, shown or not. */
    final int count;
    /** Frames shown: packets not discarded. */
    final int shown;
    /** Presentation-ordered timestamps of the frames shown. */
    final long[] sortedPts;
    /** Where the last frame stops showing, in time-base units. */
    final long endPts;
    /** Where the audio track ends, in seconds, or null when there is no audio packet. */
    final Rational audioEnd;
    /**
     * The longest stretch with no audio between two audio packets (seconds; zero without audio): the widest step between
     * packets' times less the narrowest one. And where the packet before it starts.
     */
    Rational audioGap = Rational.ZERO;
    Rational audioGapAt = Rational.ZERO;

    private PacketIndex(int stream, Rational timeBase, long[] pts, boolean[] key, boolean[] discard, int count, long endPts,
            Rational audioEnd) {
        this.stream = stream;
        this.timeBase = timeBase;
        this.pts = pts;
        this.key = key;
        this.discard = discard;
        this.count = count;
        long[] sorted = new long[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (!discard[i]) {
                sorted[n++] = pts[i];
            }
        }
        this.shown = n;
        this.sortedPts = Arrays.copyOf(sorted, n);
        Arrays.sort(sortedPts);
        this.endPts = endPts;
        this.audioEnd = audioEnd;
    }

    /** Scans every packet of {@code demuxer} from where it stands; {@code audioStream} may be -1. */
    static PacketIndex scan(Demuxer demuxer, int videoStream, int audioStream, Cancellation cancel) {
        long[] pts = new long[1024];
        boolean[] key = new boolean[1024];
        boolean[] discard = new boolean[1024];
        int n = 0;
        long end = Long.MIN_VALUE;
        long lastDuration = 0;
        long audioEnd = Long.MIN_VALUE;
        long audioPrev = Long.MIN_VALUE;
        long audioMinDelta = Long.MAX_VALUE;
        long audioMaxDelta = 0;
        long audioGapAt = 0;
        AVPacket pkt = avcodec.av_packet_alloc();
        try {
            while (demuxer.read(pkt)) {
                if (pkt.stream_index() == audioStream && pkt.pts() != AV_NOPTS_VALUE) {
                    // A gap shows as a jump between packets' times (MP4 stretches the packet before it instead, so its end
                    // says nothing): the widest step less the usual one.
                    long delta = audioPrev == Long.MIN_VALUE ? 0 : pkt.pts() - audioPrev;
                    if (delta > 0) {
                        audioMinDelta = Math.min(audioMinDelta, delta);
                        if (delta > audioMaxDelta) {
                            audioMaxDelta = delta;
                            audioGapAt = audioPrev;
                        }
                    }
                    audioPrev = pkt.pts();
                    audioEnd = Math.max(audioEnd, pkt.pts() + pkt.duration());
                }
                if (pkt.stream_index() != videoStream) {
                    continue;
                }
                long t = pkt.pts() != AV_NOPTS_VALUE ? pkt.pts() : pkt.dts();
                if (t == AV_NOPTS_VALUE) {
                    continue;
                }
                if (n == pts.length) {
                    pts = Arrays.copyOf(pts, n * 2);
                    key = Arrays.copyOf(key, n * 2);
                    discard = Arrays.copyOf(discard, n * 2);
                }
                pts[n] = t;
                key[n] = (pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0;
                discard[n] = (pkt.flags() & avcodec.AV_PKT_FLAG_DISCARD) != 0;
                n++;
                if (pkt.duration() > 0) {
                    lastDuration = pkt.duration();
                }
                end = Math.max(end, t + Math.max(0, pkt.duration()));
                if ((n & 1023) == 0) {
                    cancel.check("Reading " + demuxer.file());
                }
            }
        } finally {
            avcodec.av_packet_free(pkt);
        }
        PacketIndex idx = new PacketIndex(videoStream, demuxer.timeBase(videoStream), pts, key, discard, n, end,
                audioEnd == Long.MIN_VALUE ? null : Rational.time(audioEnd, demuxer.timeBase(audioStream)));
        if (idx.shown > 0 && idx.sortedPts[idx.shown - 1] >= end) {
            // Packets without durations (some MPEG-TS, MKV): the last frame lasts one typical frame interval.
            long typical = idx.medianDelta();
            idx = new PacketIndex(videoStream, idx.timeBase, pts, key, discard, n,
                    idx.sortedPts[idx.shown - 1] + (typical > 0 ? typical : lastDuration), idx.audioEnd);
        }
        if (audioStream >= 0 && audioMaxDelta > audioMinDelta) {
            idx.audioGap = Rational.time(audioMaxDelta - audioMinDelta, demuxer.timeBase(audioStream));
            idx.audioGapAt = Rational.time(audioGapAt, demuxer.timeBase(audioStream));
        }
        return idx;
    }

    /**
     * The index of the shown frame (in presentation order) that stays on screen longest: the one before the widest gap
     * between timestamps, or the last frame when its own duration is longer. -1 without frames.
     */
    int longestFrame() {
        int longest = shown - 1;
        long most = shown == 0 ? 0 : endPts - sortedPts[shown - 1];
        for (int i = 1; i < shown; i++) {
            if (sortedPts[i] - sortedPts[i - 1] > most) {
                most = sortedPts[i] - sortedPts[i - 1];
                longest = i - 1;
            }
        }
        return longest;
    }

    /** How long the shown frame {@code i} (presentation order) stays on screen, in seconds. */
    Rational frameDuration(int i) {
        return Rational.time((i + 1 < shown ? sortedPts[i + 1] : endPts) - sortedPts[i], timeBase);
    }

    long medianDelta() {
        if (shown < 2) {
            return 0;
        }
        long[] d = new long[shown - 1];
        for (int i = 1; i < shown; i++) {
            d[i - 1] = sortedPts[i] - sortedPts[i - 1];
        }
        Arrays.sort(d);
        return d[d.length / 2];
    }

    /**
     * True when frame intervals differ by more than timestamp rounding: more than one tick and more than
     * 2 % of the median interval.
     */
    boolean variableFrameRate() {
        long median = medianDelta();
        long tolerance = Math.max(1, median / 50);
        for (int i = 1; i < shown; i++) {
            if (Math.abs(sortedPts[i] - sortedPts[i - 1] - median) > tolerance) {
                return true;
            }
        }
        return false;
    }

    Rational startTime() {
        return Rational.time(sortedPts[0], timeBase);
    }

    Rational endTime() {
        return Rational.time(endPts, timeBase);
    }
}
