package org.mpp.media;

import org.mpp.Rational;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.avcodec.AVPacket;

/**
 * An open input file: its streams and its packets in file order. Not thread-safe; close it on the thread
 * that opened it.
 */
final class Demuxer implements AutoCloseable {
    private static final int MAX_ERRORS = 20;
    /**
     * Demuxers that read other files or URLs named inside their input. An upload is one file: such an input could make a
     * node read another job's source, a file outside the work folder or, without the protocol whitelist, a network URL.
     */
    static final java.util.Set<String> REFERENCING_FORMATS = java.util.Set.of("hls", "applehttp", "concat", "dash", "imf",
            "webm_dash_manifest");
    private final Path file;
    private AVFormatContext ctx;
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private Demuxer(Path file, AVFormatContext ctx) {
        this.file = file;
        this.ctx = ctx;
        LogRouter.listen(ctx, msg -> {
            if (errors.size() < MAX_ERRORS) {
                errors.add(msg);
            }
        });
    }

    /**
     * Opens {@code file} and reads enough of it to know its streams.
     *
     * @throws BadInputException when the file is missing, not a regular file, empty or not media FFmpeg can read
     */
    static Demuxer open(Path file) {
        return open(file, true);
    }

    /**
     * Opens a file MPP wrote itself, whose header says all there is to know of its streams: the streams are taken from the
     * header as they are, without {@code avformat_find_stream_info} decoding frames to find them out.
     *
     * @throws BadInputException when the file is missing, not a regular file, empty or not media FFmpeg can read
     */
    static Demuxer openOwn(Path file) {
        return open(file, false);
    }

    private static Demuxer open(Path file, boolean findStreamInfo) {
        Ffmpeg.init();
        if (!Files.exists(file)) {
            throw new BadInputException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": not a regular file");
        }
        try {
            if (Files.size(file) == 0) {
                throw new BadInputException(file + ": the file is empty");
            }
        } catch (java.io.IOException e) {
            throw new MediaException(file + ": cannot read its size: " + e.getMessage(), e);
        }
        // "file:" with an absolute path: a name such as "concat:a|b" or "http:..." is a file name, never a protocol.
        String url = "file:" + file.toAbsolutePath();
        org.bytedeco.ffmpeg.avformat.AVInputFormat format = probeFormat(file, url);
        AVFormatContext ctx = new AVFormatContext(null);
        AVDictionary opts = localOnly();
        avutil.av_dict_set(opts, "format_whitelist", format.name().getString(), 0);
        int ret = avformat_open_input(ctx, url, format, opts);
        avutil.av_dict_free(opts);
        if (ret < 0) {
            throw new BadInputException(file + ": not a media file FFmpeg can read (" + Ffmpeg.errorText(ret) + ")");
        }
        Demuxer d = new Demuxer(file, ctx);
        if (!findStreamInfo) {
            return d;
        }
        ret = avformat_find_stream_info(ctx, (org.bytedeco.javacpp.PointerPointer<?>) null);
        if (ret < 0) {
            d.close();
            throw new BadInputException(file + ": cannot find its streams (" + Ffmpeg.errorText(ret) + ")");
        }
        return d;
    }

    /**
     * Options that keep FFmpeg on local files: the {@code file} protocol only, for the input and for anything a demuxer
     * opens from it.
     */
    private static AVDictionary localOnly() {
        AVDictionary opts = new AVDictionary(null);
        avutil.av_dict_set(opts, "protocol_whitelist", "file", 0);
        // The image demuxer reads a name such as "x%03d.jpg" as a pattern for a sequence of other files; the name is
        // one file. (A private option of that demuxer: the others leave it unread.)
        avutil.av_dict_set(opts, "pattern_type", "none", 0);
        return opts;
    }

    /**
     * FFmpeg's own guess of the container, made before any demuxer runs, so that one which would read other files or URLs
     * named inside the input (a playlist, a concat script) is refused before it opens them.
     */
    private static org.bytedeco.ffmpeg.avformat.AVInputFormat probeFormat(Path file, String url) {
        org.bytedeco.ffmpeg.avformat.AVIOContext pb = new org.bytedeco.ffmpeg.avformat.AVIOContext(null);
        AVDictionary opts = localOnly();
        int ret = avformat.avio_open2(pb, url, avformat.AVIO_FLAG_READ, null, opts);
        avutil.av_dict_free(opts);
        if (ret < 0) {
            throw new BadInputException(file + ": cannot be opened (" + Ffmpeg.errorText(ret) + ")");
        }
        org.bytedeco.ffmpeg.avformat.AVInputFormat format = new org.bytedeco.ffmpeg.avformat.AVInputFormat(null);
        try {
            ret = avformat.av_probe_input_buffer2(pb, format, url, null, 0, 0);
        } finally {
            avformat.avio_closep(pb);
        }
        if (ret < 0 || format.isNull()) {
            throw new BadInputException(file + ": not a media file FFmpeg can read (" + Ffmpeg.errorText(ret) + ")");
        }
        String name = format.name().getString();
        for (String n : name.split(",")) {
            if (REFERENCING_FORMATS.contains(n)) {
                throw new BadInputException(file + ": a " + n + " playlist or script, which names other files or URLs to "
                        + "read; only self-contained media files are accepted (upload the media itself)");
            }
        }
        return format;
    }

    Path file() {
        return file;
    }

    AVFormatContext context() {
        return ctx;
    }

    int streamCount() {
        return ctx.nb_streams();
    }

    AVStream stream(int index) {
        return ctx.streams(index);
    }

    Rational timeBase(int index) {
        return Ffmpeg.rational(stream(index).time_base());
    }

    /** The main stream of a media type (AVMEDIA_TYPE_VIDEO/AUDIO), skipping cover art; -1 when there is none. */
    int bestStream(int mediaType) {
        int best = av_find_best_stream(ctx, mediaType, -1, -1, (org.bytedeco.ffmpeg.avcodec.AVCodec) null, 0);
        if (best >= 0 && (stream(best).disposition() & avformat.AV_DISPOSITION_ATTACHED_PIC) != 0) {
            best = -1;
            for (int i = 0; i < streamCount(); i++) {
                AVStream s = stream(i);
                if (s.codecpar().codec_type() == mediaType && (s.disposition() & avformat.AV_DISPOSITION_ATTACHED_PIC) == 0) {
                    return i;
                }
            }
        }
        return best < 0 ? -1 : best;
    }

    /**
     * Reads the next packet into {@code pkt} (unreferencing what it held).
     *
     * @return false at the end of the file
     * @throws BadInputException when the file cannot be read further for a reason other than its end
     */
    boolean read(AVPacket pkt) {
        avcodec_unref(pkt);
        int ret = av_read_frame(ctx, pkt);
        if (ret >= 0) {
            return true;
        }
        if (Ffmpeg.isEof(ret)) {
            return false;
        }
        if (ret == avutil.AVERROR_EIO()) {
            throw new MediaException(file + ": I/O error while reading (" + Ffmpeg.errorText(ret) + ")");
        }
        String detail = errors.isEmpty() ? "" : ": " + errors.get(errors.size() - 1);
        throw new BadInputException(file + ": unreadable data (" + Ffmpeg.errorText(ret) + ")" + detail);
    }

    /** Errors FFmpeg logged while reading this file (the first few), such as "partial file". */
    List<String> errors() {
        return errors;
    }

    private static void avcodec_unref(AVPacket pkt) {
        org.bytedeco.ffmpeg.global.avcodec.av_packet_unref(pkt);
    }

    @Override
    public void close() {
        if (ctx != null) {
            LogRouter.forget(ctx);
            avformat_close_input(ctx);
            ctx = null;
        }
    }
}
