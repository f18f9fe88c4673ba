package org.mpp.media;

import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.Rational;

/**
 * Writes one CMAF track: an init segment ({@code ftyp} + {@code moov} with no samples) and one fragmented-MP4 media
 * segment per {@link #cut()} ({@code styp} + {@code moof} + {@code mdat}), each in its own file, by packet copy. One
 * MP4 muxer writes the whole track with custom fragmentation; its output is switched to a new file before each
 * fragment is flushed, so the fragments' offsets stay relative to their own {@code moof} ({@code default_base_moof}).
 *
 * <p>Timestamps: the first sample of the track is presented at 0 and at its decode time (version-1 {@code trun} with
 * negative composition offsets for reordered frames), so no edit list is needed and the {@code tfdt} of a segment is
 * the presentation time of its first sample. Not thread-safe.
 */
final class CmafTrackWriter implements AutoCloseable {
    /**
     * Fragments only where {@link #cut} says, an init segment with no samples, fragment offsets relative to their own
     * moof, CMAF brands and version-1 trun (negative composition offsets: the first sample is presented at its decode
     * time, no edit list), no sidx and no mfra.
     */
    private static final String MOVFLAGS = "+frag_custom+empty_moov+default_base_moof+dash+cmaf+skip_sidx+skip_trailer";
    private final Path dir;
    private final AVFormatContext ctx;
    private final List<CmafTrack.CmafSegment> segments = new ArrayList<>();
    private final Rational timeBase;
    private long segmentStart;
    private long segmentEnd;
    private long sampleBytes;
    private long firstSampleBytes;
    private int samples;
    private boolean closed;

    private CmafTrackWriter(Path dir, AVFormatContext ctx, Rational timeBase) {
        this.dir = dir;
        this.ctx = ctx;
        this.timeBase = timeBase;
    }

    /**
     * Writes {@code dir/initName} for a track with codec parameters {@code par}, its packets' timestamps in
     * {@code inputTimeBase}.
     */
    static CmafTrackWriter create(Path dir, String initName, AVCodecParameters par, Rational inputTimeBase) {
        Ffmpeg.init();
        Path init = dir.resolve(initName);
        AVFormatContext ctx = new AVFormatContext(null);
        Ffmpeg.check(avformat_alloc_output_context2(ctx, null, "mp4", init.toString()), "Creating a CMAF muxer for " + init);
        try {
            AVStream st = avformat_new_stream(ctx, null);
            Ffmpeg.check(avcodec.avcodec_parameters_copy(st.codecpar(), par), "Copying stream parameters into " + init);
            st.codecpar().codec_tag(0);
            st.time_base(Ffmpeg.av(inputTimeBase));
            open(ctx, init);
            AVDictionary opts = new AVDictionary(null);
            avutil.av_dict_set(opts, "movflags", MOVFLAGS, 0);
            int ret = avformat_write_header(ctx, opts);
            avutil.av_dict_free(opts);
            written(ret, "Writing the init segment " + init, init);
            closeOutput(ctx, init);
            return new CmafTrackWriter(dir, ctx, Ffmpeg.rational(st.time_base()));
        } catch (RuntimeException e) {
            if (ctx.pb() != null && !ctx.pb().isNull()) {
                avio_closep(ctx.pb());
            }
            avformat_free_context(ctx);
            throw e;
        }
    }

    /** The time base of the segments' times (the track's media time scale). */
    Rational timeBase() {
        return timeBase;
    }

    /** Adds a packet (timestamps in {@link #timeBase()}) to the current segment. Takes over its reference. */
    void write(AVPacket pkt) {
        long pts = pkt.pts();
        if (samples == 0) {
            segmentStart = pts;
            firstSampleBytes = pkt.size();
        }
        segmentEnd = Math.max(segmentEnd, pts + pkt.duration());
        sampleBytes += pkt.size();
        samples++;
        written(av_write_frame(ctx, pkt), "Writing a packet of " + dir, dir);
    }

    /**
     * Flushes the packets written since the last cut into the next media segment, {@code dir/00001.m4s} and on (numbered
     * from 1, five digits, as DASH's {@code $Number%05d$} names them).
     */
    CmafTrack.CmafSegment cut() {
        String name = String.format("%05d.m4s", segments.size() + 1);
        if (samples == 0) {
            throw new IllegalStateException("An empty segment: " + name);
        }
        Path file = dir.resolve(name);
        open(ctx, file);
        written(av_write_frame(ctx, (AVPacket) null), "Writing the media segment " + file, file);
        closeOutput(ctx, file);
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            throw new MediaException("Cannot read the size of " + file + ": " + e.getMessage(), e);
        }
        CmafTrack.CmafSegment s = new CmafTrack.CmafSegment(name, segmentStart, segmentEnd - segmentStart, bytes,
                bytes - sampleBytes + firstSampleBytes);
        segments.add(s);
        samples = 0;
        sampleBytes = 0;
        return s;
    }

    List<CmafTrack.CmafSegment> segments() {
        return List.copyOf(segments);
    }

    private static void open(AVFormatContext ctx, Path file) {
        AVIOContext pb = new AVIOContext(null);
        written(avio_open(pb, file.toString(), avformat.AVIO_FLAG_WRITE), "Opening " + file, file);
        ctx.pb(pb);
    }

    private static void closeOutput(AVFormatContext ctx, Path file) {
        int ret = avio_closep(ctx.pb());
        ctx.pb(null);
        written(ret, "Closing " + file, file);
    }

    private static void written(int ret, String what, Path file) {
        if (ret == avutil.AVERROR_ENOSPC()) {
            throw new DiskFullException(what, file, null);
        }
        Ffmpeg.check(ret, what);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // skip_trailer writes no index; what the trailer would flush (a failed track's uncut packets) goes into a buffer that is
        // thrown away: the trailer only frees the muxer's state.
        AVIOContext pb = new AVIOContext(null);
        int ret = avformat.avio_open_dyn_buf(pb);
        if (ret >= 0) {
            ctx.pb(pb);
            av_write_trailer(ctx);
            org.bytedeco.javacpp.BytePointer buf = new org.bytedeco.javacpp.BytePointer((org.bytedeco.javacpp.Pointer) null);
            avformat.avio_close_dyn_buf(ctx.pb(), buf);
            avutil.av_free(buf);
            ctx.pb(null);
        }
        avformat_free_context(ctx);
    }
}
