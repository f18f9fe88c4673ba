package org.mpp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Where a node's time goes: wall time summed per phase of the work, since the node started. Workers running at once
 * each add their own time, so a phase can add up to more than the time that passed. Read it to see what a node
 * spends beyond encoding (the benchmark's overhead breakdown reads it after one job). Thread-safe and cheap enough to
 * leave on: one clock read at each end of a phase.
 */
public final class PhaseTimes {
    /** The phases of the pipeline (DESIGN.md, "The job pipeline"), plus the database work of the workers. */
    public enum Phase {
        /** Reading the source's streams and keyframes (ingest). */
        PROBE,
        /** Decoding the whole source to prove it intact (ingest, policy verifyDuringIngest). */
        VERIFY,
        /** Cutting the source into segments by packet copy (ingest). */
        SPLIT,
        /** Decoding a segment and encoding it into every rendition (transcode). */
        TRANSCODE,
        /** Reading the encoded segments of a rendition in order (export). */
        CONCAT,
        /** Decoding the source's audio and encoding it to AAC, or loading what was encoded ahead (export). */
        AUDIO,
        /** Writing the MP4, index at the front included (export). */
        MUX,
        /** Cutting the finished renditions into the streaming package's CMAF tracks by packet copy (export). */
        PACKAGE,
        /** Writing the poster and the scrubbing thumbnails of the streaming package (package). */
        STILLS,
        /**
         * Encoding the source's audio to AAC ahead of the export, after the ingest, while the segments are transcoded
         * (beside the work, not in its way: the export then copies it instead of encoding it at the end).
         */
        AUDIO_AHEAD,
        /** SQL statements run by the workers: claims, progress, completions, job reads. */
        DATABASE,
        /**
         * SQL statements of the heartbeat (lease renewal, policies, recovery) and of the progress writer: beside the
         * work, not in its way.
         */
        HEARTBEAT,
        /** Claims of idle workers that found nothing to do (beside the work, not in its way). */
        IDLE_POLL
    }

    private final Map<Phase, LongAdder> nanos = new EnumMap<>(Phase.class);
    private final ThreadLocal<Boolean> muted = ThreadLocal.withInitial(() -> false);
    private final Map<Phase, LongAdder> counts = new EnumMap<>(Phase.class);
    /** Transcodes running now, since when at least one has run, and the time covered by transcodes before that. */
    private int transcoding;
    private long transcodingSince;
    private long transcodeCover;

    public PhaseTimes() {
        for (Phase p : Phase.values()) {
            nanos.put(p, new LongAdder());
            counts.put(p, new LongAdder());
        }
    }

    public void add(Phase phase, long elapsedNanos) {
        nanos.get(phase).add(elapsedNanos);
        counts.get(phase).increment();
    }

    /** Runs {@code work} and adds its wall time to {@code phase}, also when it throws. */
    public <T> T time(Phase phase, Supplier<T> work) {
        long t0 = System.nanoTime();
        if (phase == Phase.TRANSCODE) {
            transcodeStarts(t0);
        }
        try {
            return work.get();
        } finally {
            long t1 = System.nanoTime();
            add(phase, t1 - t0);
            if (phase == Phase.TRANSCODE) {
                transcodeEnds(t1);
            }
        }
    }

    private synchronized void transcodeStarts(long now) {
        if (transcoding++ == 0) {
            transcodingSince = now;
        }
    }

    private synchronized void transcodeEnds(long now) {
        if (--transcoding == 0) {
            transcodeCover += now - transcodingSince;
        }
    }

    /**
     * Seconds of wall time during which at least one transcode ran: with several transcode workers the TRANSCODE phase
     * sums their times, while this counts each moment once, so that node time minus it is the time no encode ran.
     */
    public synchronized double transcodeCoverSeconds() {
        long open = transcoding > 0 ? System.nanoTime() - transcodingSince : 0;
        return (transcodeCover + open) / 1e9;
    }

    public void time(Phase phase, Runnable work) {
        time(phase, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code work} with the statement timing of this thread muted (the caller decides where the time goes: an
     * idle worker's claim that found nothing is no part of any job).
     */
    public <T> T muted(Supplier<T> work) {
        muted.set(true);
        try {
            return work.get();
        } finally {
            muted.set(false);
        }
    }

    /** True while the calling thread runs inside {@link #muted}. */
    public boolean isMuted() {
        return muted.get();
    }

    /** Seconds per phase so far. */
    public Map<Phase, Double> seconds() {
        Map<Phase, Double> m = new EnumMap<>(Phase.class);
        nanos.forEach((p, n) -> m.put(p, n.sum() / 1e9));
        return m;
    }

    /** How many times each phase ran (statements, for the database). */
    public Map<Phase, Long> counts() {
        Map<Phase, Long> m = new EnumMap<>(Phase.class);
        counts.forEach((p, n) -> m.put(p, n.sum()));
        return m;
    }
}
