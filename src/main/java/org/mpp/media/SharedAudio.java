package org.mpp.media;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.mpp.Rational;

/**
 * The source's audio encoded once for every rendition of one export that asks for the same bit rate (issue 5: the
 * ffmpeg CLI encodes the audio once per output, MPP need not). The first export to {@link #claimRecording claim} it
 * encodes the audio and keeps the packets; the other exports at that bit rate copy them, also while they are still
 * being encoded: they run at the same time on other threads and wait for each packet (or for the end, or the
 * recorder's failure). A track whose packets would not fit in {@link #MAX_BYTES} (about 2 hours at 128 kb/s) is not
 * shared: every rendition encodes its own. Thread-safe; one export task uses it, then closes it once all its
 * renditions are done.
 */
public final class SharedAudio implements AutoCloseable {
    static final long MAX_BYTES = 128L << 20;
    /** How often a waiting reader looks at its cancellation. */
    private static final long WAIT_MILLIS = 100;
    private final List<AVPacket> packets = new ArrayList<>();
    private AVCodecParameters parameters;
    private Rational timeBase;
    private int bitrateKbps = -1;
    private boolean complete;
    private RuntimeException failure;

    /**
     * Makes the caller the recorder of this track at {@code kbps}: true for the first caller only, and never for a
     * track too long to keep ({@code seconds} long). The recorder must end with {@link #finishRecording} or
     * {@link #fail}, or readers wait for ever.
     */
    synchronized boolean claimRecording(int kbps, double seconds) {
        if (bitrateKbps >= 0 || seconds * kbps * 125 * 1.25 > MAX_BYTES) {
            return false;
        }
        bitrateKbps = kbps;
        return true;
    }

    /** True when a track at this bit rate is (or is being) kept here to copy. */
    synchronized boolean shares(int kbps) {
        return bitrateKbps == kbps && failure == null;
    }

    /** True when the whole track at this bit rate is here. */
    synchronized boolean has(int kbps) {
        return complete && bitrateKbps == kbps;
    }

    /** The recorder's encoder is open: readers can set up their streams. */
    synchronized void startRecording(AVCodecContext encoder) {
        parameters = avcodec.avcodec_parameters_alloc();
        Ffmpeg.check(avcodec.avcodec_parameters_from_context(parameters, encoder), "Keeping the audio's parameters");
        timeBase = Ffmpeg.rational(encoder.time_base());
        notifyAll();
    }

    /** As {@link #startRecording(AVCodecContext)}, for packets that come from a file ({@link PreparedAudio}). */
    synchronized void startRecording(AVCodecParameters source, Rational packetTimeBase) {
        parameters = avcodec.avcodec_parameters_alloc();
        Ffmpeg.check(avcodec.avcodec_parameters_copy(parameters, source), "Keeping the audio's parameters");
        timeBase = packetTimeBase;
        notifyAll();
    }

    /** Keeps a copy of an encoded packet (timestamps in {@link #timeBase()}). */
    synchronized void record(AVPacket pkt) {
        packets.add(avcodec.av_packet_clone(pkt));
        notifyAll();
    }

    synchronized void finishRecording() {
        complete = true;
        notifyAll();
    }

    /** The recorder stopped short: every reader's next wait throws (a copy of) this. */
    synchronized void fail(RuntimeException e) {
        if (!complete && failure == null) {
            failure = e;
        }
        notifyAll();
    }

    /** The codec parameters of the track, once the recorder has opened its encoder. */
    synchronized AVCodecParameters awaitParameters(Cancellation cancel) {
        while (parameters == null) {
            await(cancel);
        }
        return parameters;
    }

    synchronized Rational timeBase() {
        return timeBase;
    }

    /**
     * Puts a reference to packet {@code i} into {@code pkt}, waiting for it while the recorder works.
     *
     * @return false after the last packet
     */
    synchronized boolean copy(int i, AVPacket pkt, Cancellation cancel) {
        while (i >= packets.size() && !complete) {
            await(cancel);
        }
        if (i >= packets.size()) {
            return false;
        }
        avcodec.av_packet_unref(pkt);
        Ffmpeg.check(avcodec.av_packet_ref(pkt, packets.get(i)), "Copying an audio packet");
        return true;
    }

    /** Waits a little for the recorder; throws when it has failed (before or during the wait) or the caller is cancelled. */
    private void await(Cancellation cancel) {
        throwIfFailed();
        cancel.check("Waiting for the shared audio");
        try {
            wait(WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("Interrupted while waiting for the shared audio");
        }
        throwIfFailed();
    }

    private void throwIfFailed() {
        if (failure != null) {
            throw new MediaException("The shared audio encode failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public synchronized void close() {
        for (AVPacket p : packets) {
            avcodec.av_packet_free(p);
        }
        packets.clear();
        if (parameters != null) {
            avcodec.avcodec_parameters_free(parameters);
            parameters = null;
        }
        complete = false;
    }
}
