package org.mpp.media;

import org.mpp.Rational;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
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
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Writes one output file atomically: everything goes to a hidden temporary file beside the target, which
 * is renamed onto the target only by {@link #finish()}. Closing without finishing deletes the temporary
 * file, so no reader ever sees half a file. Not thread-safe.
 */
final class Muxer implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private AVFormatContext ctx;
    private boolean finished;

    private Muxer(Path target, Path temp, AVFormatContext ctx) {
        this.target = target;
        this.temp = temp;
        this.ctx = ctx;
    }

    /** Prepares to write {@code target} in FFmpeg format {@code format} ("mp4", "matroska", ...). */
    static Muxer create(Path target, String format) {
        Ffmpeg.init();
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw DiskFullException.of("Creating the folder of " + target, target, e);
        }
        Path temp = target.resolveSibling("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        AVFormatContext ctx = new AVFormatContext(null);
        Ffmpeg.check(avformat_alloc_output_context2(ctx, null, format, temp.toString()), "Creating a " + format + " muxer for " + target);
        return new Muxer(target, temp, ctx);
    }

    Path target() {
        return target;
    }

    /** Adds a stream whose packets are copied as they are (no encoder). */
    int addCopyStream(AVCodecParameters par, Rational timeBase) {
        AVStream st = avformat_new_stream(ctx, null);
        Ffmpeg.check(avcodec.avcodec_parameters_copy(st.codecpar(), par), "Copying stream parameters into " + target);
        st.codecpar().codec_tag(0);
        st.time_base(avutil.av_make_q((int) timeBase.num(), (int) timeBase.den()));
        return st.index();
    }

    /** Adds a stream fed by {@code encoder}; call after the encoder is opened, so its codec headers (extradata) exist. */
    int addStream(AVCodecContext encoder) {
        AVStream st = avformat_new_stream(ctx, null);
        Ffmpeg.check(avcodec.avcodec_parameters_from_context(st.codecpar(), encoder), "Adding an encoded stream to " + target);
        st.time_base(encoder.time_base());
        return st.index();
    }

    /** True when the format wants codec headers out of band (MP4, Matroska): encoders need AV_CODEC_FLAG_GLOBAL_HEADER. */
    boolean wantsGlobalHeader() {
        return (ctx.oformat().flags() & avformat.AVFMT_GLOBALHEADER) != 0;
    }

    /** Opens the file and writes the header with the muxer options given (for example movflags). */
    void start(Map<String, String> options) {
        AVIOContext pb = new AVIOContext(null);
        written(avio_open(pb, temp.toString(), avformat.AVIO_FLAG_WRITE), "Opening " + temp);
        ctx.pb(pb);
        AVDictionary opts = new AVDictionary(null);
        options.forEach((k, v) -> avutil.av_dict_set(opts, k, v, 0));
        int ret = avformat_write_header(ctx, opts);
        avutil.av_dict_free(opts);
        written(ret, "Writing the header of " + target);
    }

    /** The time base the muxer settled on for a stream (valid after {@link #start}). */
    Rational timeBase(int stream) {
        return Ffmpeg.rational(ctx.streams(stream).time_base());
    }

    /** Writes a packet whose timestamps are already in the stream's time base; takes over its reference. */
    void write(AVPacket pkt) {
        written(av_interleaved_write_frame(ctx, pkt), "Writing " + target);
    }

    /** Writes the trailer and moves the finished file onto its target name. */
    void finish() {
        written(av_write_trailer(ctx), "Finishing " + target);
        // On network file systems a write error (disk full, quota) may only surface when the file is closed:
        // such a file must never be renamed onto its final name.
        int closed = avio_closep(ctx.pb());
        ctx.pb(null);
        closeContext();
        written(closed, "Closing " + target);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw DiskFullException.of("Moving " + temp + " onto " + target, target, e);
        }
        finished = true;
    }

    /**
     * Checks the result of a call that writes the file. FFmpeg buffers its writes, so a full disk (AVERROR(ENOSPC))
     * may surface from any of them, the trailer and the close included: it becomes a {@link DiskFullException}.
     */
    private void written(int ret, String what) {
        if (ret == avutil.AVERROR_ENOSPC()) {
            throw new DiskFullException(what, target, null);
        }
        Ffmpeg.check(ret, what);
    }

    private void closeContext() {
        if (ctx != null) {
            if (ctx.pb() != null && !ctx.pb().isNull()) {
                avio_closep(ctx.pb());
            }
            avformat_free_context(ctx);
            ctx = null;
        }
    }

    @Override
    public void close() {
        if (!finished) {
            // No trailer: the file is discarded, and with +faststart a trailer would rewrite it first.
            closeContext();
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // Best effort: a leftover hidden .tmp file is harmless and purged with the job's folder.
            }
        }
    }
}
