package org.mpp.node;

import org.mpp.config.Settings;

/**
 * How long the segments of a job are cut: whole waves of the cluster's transcode workers, so that no worker is left
 * idle beside a job's lone last segment.
 *
 * <p>A source cut at a fixed {@code mpp.media.segment-seconds} leaves the last wave part-empty: a 30 s clip in 10 s
 * segments on a node with two transcode workers ran two segments side by side, then the third alone on one core while
 * the other idled, for a third of the job. Instead, the number of segments is a whole multiple of the workers
 * (cluster-wide) and the source is shared out evenly among them:
 * <ul>
 *   <li>a source long enough for at least one wave of configured-length segments gets {@code workers × k} segments, k
 *       the most whole waves that keep segments at least the configured length (so they are 1 to 2 times it: a 30 s clip
 *       on two workers is cut in two 15 s segments, a 10-minute source in sixty of 10 s);</li>
 *   <li>a shorter source is spread over the workers in segments shorter than configured, but never shorter than the
 *       GOP (or the configured length, where that is shorter still): a 10 s clip on two workers is cut in two of 5 s, a
 *       1 s clip stays whole.</li>
 * </ul>
 * Never more segments than {@code mpp.media.max-segments}. The cut then falls at the first keyframe at or after each
 * multiple of this length (media's Segmenter), so segments are as even as the source's keyframes allow.
 */
final class SegmentLength {
    private final double configuredSeconds;
    private final double shortestSeconds;
    private final int maxSegments;

    SegmentLength(Settings.Media media) {
        this.configuredSeconds = media.segmentSeconds();
        this.maxSegments = media.limits().maxSegments();
        this.shortestSeconds = Math.min(media.segmentSeconds(), media.gopSeconds());
    }

    /**
     * The length to cut a source of {@code durationSeconds} into, for {@code workers} transcode workers in the cluster,
     * in whole milliseconds.
     */
    double seconds(double durationSeconds, int workers) {
        if (!(durationSeconds > 0) || durationSeconds / configuredSeconds > maxSegments) {
            return configuredSeconds; // Nothing to share out, or a source the cut refuses as too long anyway.
        }
        int capacity = Math.max(1, workers);
        long waves = Math.max(1, (long) Math.floor(durationSeconds / (configuredSeconds * capacity)));
        long segments = Math.min(Math.min(waves * capacity, maxSegments), Math.max(1, (long) Math.floor(durationSeconds / shortestSeconds)));
        if (segments <= 1) {
            return Math.max(configuredSeconds, Math.ceil(durationSeconds));
        }
        return Math.round(durationSeconds / segments * 1000) / 1000.0;
    }
}
