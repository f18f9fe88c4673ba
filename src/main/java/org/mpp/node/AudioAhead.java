package org.mpp.node;

import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.mpp.media.Cancellation;
import org.mpp.media.CancelledException;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes a freshly ingested job's audio on a thread of its own while its segments are transcoded, into the job's
 * ingest folder, so that the export copies it instead of encoding it after the last segment (where nothing else runs
 * for that job). Best effort and untracked: a track that is not there when the export starts, because this node
 * died, stopped or failed to write it, is encoded by the export as before, with the same result. One track at a time,
 * in the order the ingests finished. Thread-safe.
 */
final class AudioAhead implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AudioAhead.class);
    private final MediaEngine media;
    private final ExecutorService thread;
    private final Cancellation cancel = new Cancellation();

    AudioAhead(MediaEngine media, ThreadFactory threads) {
        this.media = media;
        this.thread = Executors.newSingleThreadExecutor(threads);
    }

    /** Queues the audio of {@code job} at each bit rate of {@code bitrates}, each into {@code target.apply(kbps)}. */
    void prepare(UUID job, Path source, MediaInfo info, Set<Integer> bitrates, IntFunction<Path> target) {
        if (info.audio() == null) {
            return;
        }
        try {
            thread.execute(() -> {
                for (int kbps : bitrates) {
                    try {
                        media.prepareAudio(source, info, kbps, target.apply(kbps), cancel);
                    } catch (CancelledException e) {
                        return;
                    } catch (RuntimeException e) {
                        // The source may be gone (the job was deleted or failed) or the disk full: the export encodes it.
                        log.info("Audio of job {} at {} kb/s not encoded ahead ({}); its export will encode it", job, kbps, e.toString());
                    }
                }
            });
        } catch (RejectedExecutionException stopping) {
            // The node is stopping: the export encodes the audio.
        }
    }

    /** Stops the track being encoded (its unfinished file is removed) and drops the queued ones. */
    @Override
    public void close() {
        cancel.cancel();
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
