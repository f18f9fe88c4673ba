package org.mpp.media;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.mpp.Rational;

/**
 * The source's audio encoded once for every rendition of one export that asks for the same bit rate: the first
 * export encodes it and keeps the packets, the next ones copy them (issue 5: the ffmpeg CLI encodes the audio once per
 * output, MPP need not). Kept in memory up to {@link #MAX_BYTES} (about 2 hours at 128 kb/s); a longer track is
 * encoded again for each rendition. Not thread-safe: one export task uses it, then closes it.
 */
public final class SharedAudio implements AutoCloseable {
    static final long MAX_BYTES = 128L << 20;
    private final List<AVPacket> packets = new ArrayList<>();
    private AVCodecParameters parameters;
    private Rational timeBase;
    private int bitrateKbps = -1;
    private long bytes;
    private boolean complete;
    private boolean abandoned;

    /** True when a whole track at this bit rate is here to copy. */
    boolean has(int kbps) {
        return complete && bitrateKbps == kbps;
    }

    /** Starts keeping the packets of an encode at this bit rate (when nothing is kept yet). */
    boolean startRecording(AVCodecContext encoder, int kbps) {
        if (bitrateKbps >= 0 || abandoned) {
            return false;
        }
        bitrateKbps = kbps;
        parameters = avcodec.avcodec_parameters_alloc();
        Ffmpeg.check(avcodec.avcodec_parameters_from_context(parameters, encoder), "Keeping the audio's parameters");
        timeBase = Ffmpeg.rational(encoder.time_base());
        return true;
    }

    /** Keeps a copy of an encoded packet (timestamps in {@link #timeBase()}). */
    void record(AVPacket pkt) {
        if (abandoned) {
            return;
        }
        bytes += pkt.size();
        if (bytes > MAX_BYTES) {
            abandoned = true;
            freePackets();
            return;
        }
        packets.add(avcodec.av_packet_clone(pkt));
    }

    void finishRecording() {
        complete = !abandoned && bitrateKbps >= 0;
    }

    AVCodecParameters parameters() {
        return parameters;
    }

    Rational timeBase() {
        return timeBase;
    }

    int size() {
        return packets.size();
    }

    /** Puts a reference to packet {@code i} into {@code pkt}. */
    void copy(int i, AVPacket pkt) {
        avcodec.av_packet_unref(pkt);
        Ffmpeg.check(avcodec.av_packet_ref(pkt, packets.get(i)), "Copying an audio packet");
    }

    private void freePackets() {
        for (AVPacket p : packets) {
            avcodec.av_packet_free(p);
        }
        packets.clear();
    }

    @Override
    public void close() {
        freePackets();
        if (parameters != null) {
            avcodec.avcodec_parameters_free(parameters);
            parameters = null;
        }
        complete = false;
    }
}
