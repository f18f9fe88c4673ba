package org.mpp.media;

import java.util.List;
import org.mpp.Rational;

/**
 * One track of a streaming package, as written by {@link MediaEngine#writeCmafTracks}: an init segment and media
 * segments in the folder {@code id/} of the package, with what HLS and DASH manifests say of it.
 *
 * @param id the track's folder name inside the package, also its DASH Representation id
 * @param codecs the RFC 6381 codec string of the stream itself, e.g. {@code avc1.4d401f} or {@code mp4a.40.2}
 * @param width video width (0 for audio)
 * @param height video height (0 for audio)
 * @param frameRate video frame rate (null for audio)
 * @param channels audio channels (0 for video)
 * @param sampleRate audio sample rate (0 for video)
 * @param timescale ticks per second of the segments' times
 * @param segments the media segments in order; the first starts at 0
 */
public record CmafTrack(Kind kind, String id, String codecs, int width, int height, Rational frameRate, int channels,
        int sampleRate, long timescale, List<CmafSegment> segments) {
    /** The init segment's file name inside {@code id/}. */
    public static final String INIT = "init.mp4";

    /** What a track carries. */
    public enum Kind { VIDEO, AUDIO }

    /**
     * One media segment ({@code styp}/{@code moof}/{@code mdat}) in {@code id/}.
     *
     * @param file file name inside the track's folder
     * @param start presentation time of its first sample, in the track's timescale
     * @param duration in the track's timescale
     * @param bytes size of the file
     * @param firstSampleEnd bytes from the file's start to the end of its first sample (the IDR of a video segment):
     *     the byte range an I-frame playlist names
     */
    public record CmafSegment(String file, long start, long duration, long bytes, long firstSampleEnd) {
    }

    public CmafTrack {
        segments = List.copyOf(segments);
    }

    /** Seconds of a time in this track's timescale. */
    public double seconds(long ticks) {
        return (double) ticks / timescale;
    }

    /** The track's length in seconds. */
    public double durationSeconds() {
        CmafSegment last = segments.get(segments.size() - 1);
        return seconds(last.start() + last.duration());
    }

    /** The highest bit rate of any one segment, bits per second. */
    public long peakBitsPerSecond() {
        double peak = 0;
        for (CmafSegment s : segments) {
            peak = Math.max(peak, s.bytes() * 8.0 / seconds(s.duration()));
        }
        return (long) Math.ceil(peak);
    }

    /** All segments' bits over the track's length, bits per second. */
    public long averageBitsPerSecond() {
        long bytes = segments.stream().mapToLong(CmafSegment::bytes).sum();
        return (long) Math.ceil(bytes * 8.0 / durationSeconds());
    }

    /** The longest segment, seconds. */
    public double longestSegmentSeconds() {
        return segments.stream().mapToDouble(s -> seconds(s.duration())).max().orElse(0);
    }
}
