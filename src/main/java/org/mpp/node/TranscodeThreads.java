package org.mpp.node;

import java.util.concurrent.atomic.AtomicInteger;
import org.mpp.config.Settings;

/**
 * How many threads a segment's decoder and each of its encoders get: the configured numbers, or where those are 0,
 * the node's cores shared among the transcodes expected to run beside it for its whole length.
 *
 * <p>A segment that is not its job's last expects as many transcodes as the node has transcode workers: more of its job
 * follows, and the job's segments come in whole waves of the workers ({@link SegmentLength}). Counting only the
 * transcodes running when it starts was wrong there: a job's first segment, claimed while the next was still being cut,
 * got every core, then ran beside that next one, and the cores were oversubscribed (2 cores: a 30 s clip in two 15 s
 * segments took 31.7 s that way, 26.5 s with one thread each). A job's last segment counts only the transcodes running
 * when it starts: alone (a short clip's only segment, or a node's one task) it gets every core instead of idling some.
 * With one thread per encoder (2 cores, 2 workers) the segments keep both cores busy between them, as the encoders' own
 * frame threads do not quite; each rendition encodes on a thread of its own ({@code EncoderLane}), so the scheduler
 * spreads two segments' encoders over both cores even when one core runs slower. Thread-safe.
 */
final class TranscodeThreads {
    private final int cores;
    private final int decoder;
    private final int encoder;
    private final int workers;
    private final AtomicInteger running = new AtomicInteger();

    /** @param workers the node's transcode workers: the transcodes that can run at once */
    TranscodeThreads(Settings.Media media, int cores, int workers) {
        this.cores = Math.max(1, cores);
        this.workers = Math.max(1, workers);
        this.decoder = media.decoderThreads();
        this.encoder = media.encoderThreads();
    }

    /** The threads of one segment's transcode; close it when the transcode ends. */
    record Share(int decoder, int encoder, Runnable release) implements AutoCloseable {
        @Override
        public void close() {
            release.run();
        }
    }

    /**
     * Counts a transcode starting now and gives its threads.
     *
     * @param lastOfJob the segment is its job's last (or only) one: no more of the job is expected beside it
     */
    Share start(boolean lastOfJob) {
        int runningNow = running.incrementAndGet();
        int concurrent = lastOfJob ? runningNow : Math.max(runningNow, workers);
        return new Share(decoderFor(concurrent), encoderFor(concurrent), running::decrementAndGet);
    }

    /** A decoder's threads when {@code concurrent} transcodes share the cores (decoders gain little beyond 4). */
    int decoderFor(int concurrent) {
        return decoder > 0 ? decoder : Math.min(4, share(concurrent));
    }

    /** Each encoder's threads when {@code concurrent} transcodes share the cores. */
    int encoderFor(int concurrent) {
        return encoder > 0 ? encoder : share(concurrent);
    }

    private int share(int concurrent) {
        return Math.max(1, cores / Math.max(1, concurrent));
    }
}
