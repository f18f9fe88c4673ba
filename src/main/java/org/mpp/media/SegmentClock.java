package org.mpp.media;

import org.mpp.Rational;

/**
 * Maps timestamps read back from a segment file to the source's clock. Containers may shift timestamps
 * (Matroska avoids negative ones) and round them (to 1 ms), so times are anchored on the first packet of the
 * file, whose source time the segmenter recorded, and ownership is decided half a file tick early.
 */
final class SegmentClock {
    private final Segment segment;
    private final Rational fileTimeBase;
    private final long firstFilePts;
    private final Rational halfTick;

    SegmentClock(Segment segment, Rational fileTimeBase, long firstFilePts) {
        this.segment = segment;
        this.fileTimeBase = fileTimeBase;
        this.firstFilePts = firstFilePts;
        this.halfTick = fileTimeBase.times(Rational.of(1, 2));
    }

    /** The source time of a frame whose timestamp in the file is {@code filePts}. */
    Rational sourceTime(long filePts) {
        return segment.firstPacket().plus(Rational.time(filePts - firstFilePts, fileTimeBase));
    }

    /** True when the frame at {@code filePts} belongs to this segment (and not to a lead-in or tail GOP). */
    boolean owns(long filePts) {
        Rational t = sourceTime(filePts).plus(halfTick);
        return t.compareTo(segment.from()) >= 0 && t.compareTo(segment.to()) < 0;
    }
}
