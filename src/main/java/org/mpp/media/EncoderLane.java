package org.mpp.media;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.Rational;

/**
 * One rendition of a segment, scaled and encoded on a thread of its own while the segment's thread decodes. Every
 * rendition of a segment thus encodes at the same time: two segments side by side spread over the cores as the ffmpeg
 * CLI's threads do, where each segment used to hold one core, and a segment that runs alone at the end of a job is
 * not left to one core (issue 13: a slow virtual core made the whole job wait for it).
 *
 * <p>The decoding thread {@linkplain #hand hands} each picture with the time up to which it fills this rendition's
 * slots, as a new reference to its buffers; a few wait at most, so memory stays bounded while the slowest rendition
 * sets the pace. A failure on the lane (bad input, a full disk) is thrown to the decoding thread at its next hand or at
 * {@link #finish}. Not thread-safe: one decoding thread drives a lane.
 */
final class EncoderLane implements AutoCloseable {
    /** Pictures that may wait for the encoder: enough to ride out a slow frame, few enough for 1080p's 3 MB each. */
    private static final int DEPTH = 3;
    private static final long POLL_MILLIS = 50;

    private record Picture(AVFrame frame, Rational until, long generation) {
    }

    private static final Picture END = new Picture(null, null, -1);

    private final RenditionOutput output;
    private final String what;
    private final BlockingQueue<Picture> queue = new ArrayBlockingQueue<>(DEPTH);
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean aborted;
    /** Written by the lane's thread before it ends, read after joining it. */
    private SegmentTranscoder.Encoded result;

    /** Starts a lane that owns {@code output} (closed with the lane). */
    EncoderLane(RenditionOutput output, String what) {
        this.output = output;
        this.what = what;
        this.thread = new Thread(this::run, Thread.currentThread().getName() + "-" + output.rendition.label());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Fills this rendition's slots up to {@code until} (null: every slot left) with {@code frame}, on the lane's thread;
     * waits while the lane is {@value #DEPTH} pictures behind. {@code frame} stays the caller's: the lane takes a reference
     * of its own.
     *
     * @throws RuntimeException what failed the lane's work so far
     */
    void hand(AVFrame frame, Rational until, long generation) {
        AVFrame ref = avutil.av_frame_clone(frame);
        if (ref == null || ref.isNull()) {
            throw new MediaException(what + ": out of memory handing a picture to " + output.rendition.label());
        }
        put(new Picture(ref, until, generation));
    }

    /**
     * Waits for the lane to encode what it was handed, flushes the encoder and finishes the rendition's file.
     *
     * @throws RuntimeException what failed the lane's work
     */
    SegmentTranscoder.Encoded finish() {
        put(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException(what + ": interrupted while " + output.rendition.label() + " was finishing");
        }
        rethrowFailure();
        return result;
    }

    private void put(Picture p) {
        try {
            while (!queue.offer(p, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (!thread.isAlive()) {
                    free(p);
                    rethrowFailure();
                    throw new IllegalStateException(what + ": the encoder of " + output.rendition.label() + " stopped");
                }
            }
        } catch (InterruptedException e) {
            free(p);
            Thread.currentThread().interrupt();
            throw new CancelledException(what + ": interrupted");
        }
        rethrowFailure();
    }

    private void run() {
        try {
            while (!aborted) {
                Picture p = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (p == END) {
                    result = output.finish(what);
                    return;
                }
                if (p != null) {
                    try {
                        output.fillUntil(p.until(), p.frame(), p.generation(), what);
                    } finally {
                        free(p);
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void rethrowFailure() {
        Throwable t = failure;
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new MediaException(what + ": " + output.rendition.label() + ": " + t, t);
        }
    }

    private static void free(Picture p) {
        if (p.frame() != null) {
            avutil.av_frame_free(p.frame());
        }
    }

    /** Stops the lane (the picture it is encoding ends first), frees what still waits and closes the rendition's output. */
    @Override
    public void close() {
        aborted = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        for (Picture p; (p = queue.poll()) != null; ) {
            free(p);
        }
        output.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
