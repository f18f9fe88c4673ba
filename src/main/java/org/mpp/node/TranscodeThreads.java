package org.mpp.node;

import java.util.concurrent.atomic.AtomicInteger;
import org.mpp.config.Settings;

/**
 * How many threads a segment's decoder and each of its encoders get: the configured numbers, or where those are 0,
 * the node's cores shared among the transcodes running when the segment starts. Two segments at once get a core's
 * share each (on 2 cores, one thread per encoder: the segments keep both cores busy between them, as the encoders'
 * own frame threads do not quite), and a segment alone, a short job's only one or a job's last, gets every core
 * instead of idling one. Thread-safe.
 */
final class TranscodeThreads {
    private final int cores;
    private final int decoder;
    private final int encoder;
    private final AtomicInteger running = new AtomicInteger();

    TranscodeThreads(Settings.Media media, int cores) {
        this.cores = Math.max(1, cores);
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

    /** Counts a transcode starting now and gives its threads. */
    Share start() {
        int concurrent = running.incrementAndGet();
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
