package org.mpp.media;

import java.util.function.BiConsumer;

/**
 * Access to FFmpeg's process-global log for diagnostics and tests. MPP owns FFmpeg's log callback (it routes
 * decoder errors to the integrity check that caused them); anything else that wants the log taps it here
 * instead of installing a callback of its own, which would silently blind the integrity check.
 */
public final class FfmpegLog {
    private FfmpegLog() {
    }

    /**
     * Sends every message FFmpeg logs, with its av_log level, to {@code listener} until the returned handle is
     * closed. The listener runs on FFmpeg's threads and must be quick and must not throw.
     */
    public static AutoCloseable tap(BiConsumer<Integer, String> listener) {
        Ffmpeg.init();
        return LogRouter.tap(listener);
    }
}
