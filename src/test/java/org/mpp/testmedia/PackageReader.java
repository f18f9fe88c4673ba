package org.mpp.testmedia;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVProgram;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Reads a streaming package back the way a player built on FFmpeg would: an HLS playlist ({@code .m3u8}, master or
 * media) through FFmpeg's {@code hls} demuxer, a DASH manifest ({@code .mpd}) through its {@code dash} demuxer. Lists
 * the streams the demuxer offers, and decodes one of them end to end with every other stream discarded
 * ({@code AVDISCARD_ALL}: the demuxer then fetches none of their segments). Everything FFmpeg logs at
 * {@code AV_LOG_ERROR} or worse meanwhile, and every decoder call that fails, is returned as an error. Not
 * thread-safe (the log capture is one per JVM at a time).
 */
public final class PackageReader {
    /** AV_FRAME_FLAG_KEY (1 << 1), absent from the Java bindings. */
    private static final int FRAME_FLAG_KEY = 1 << 1;

    private PackageReader() {
    }

    /**
     * A stream as the demuxer offers it.
     *
     * @param profile  {@code codecpar.profile} (H.264: 66 baseline, 77 main, 100 high; AAC: 1 = LC)
     * @param level    {@code codecpar.level} (H.264: 10 × the level number), or a negative number when unknown
     * @param programs ids of the programs (HLS variants / DASH has none) holding it
     * @param metadata the stream's metadata ({@code variant_bitrate}, {@code id}, ...)
     */
    public record StreamInfo(int index, String type, String codec, int width, int height, int profile, int level,
                             int channels, int sampleRate, List<Integer> programs, Map<String, String> metadata) {
        public boolean isVideo() {
            return type.equals("video");
        }

        public boolean isAudio() {
            return type.equals("audio");
        }

        /** {@code variant_bitrate} metadata (HLS: the variant's BANDWIDTH; DASH: the representation's), or -1. */
        public long variantBitrate() {
            String b = metadata.get("variant_bitrate");
            return b == null ? -1 : Long.parseLong(b);
        }
    }

    /** A program (an HLS variant): its metadata ({@code variant_bitrate}) and streams. */
    public record ProgramInfo(int id, Map<String, String> metadata, List<Integer> streams) {
    }

    /** What the demuxer offers: its name, the programs and the streams. */
    public record Listing(String format, List<ProgramInfo> programs, List<StreamInfo> streams) {
    }

    /**
     * A packet of the chosen stream, times in seconds (NaN when absent).
     *
     * @param nalTypes H.264 (length-prefixed, as MP4 carries it): the nal_unit_type of each NAL unit, 5 for an IDR slice;
     *                 empty for other codecs
     */
    public record Packet(double pts, double dts, double duration, boolean key, int size, List<Integer> nalTypes) {
    }

    /**
     * A decoded picture, reduced to what the tests check.
     *
     * @param code      the frame code (source frame index; -1 when unreadable) and its orientation
     * @param seconds   the frame's best-effort timestamp
     * @param flashMean mean luma of the flash region (see {@link SyncMarks#flashRegionMean})
     */
    public record Picture(FrameCode.Reading code, double seconds, boolean key, int width, int height, double flashMean) {
    }

    /**
     * One stream, decoded.
     *
     * @param pictures   video frames in presentation order (empty for audio)
     * @param audio      audio mixed to mono (null for video)
     * @param framePts   every decoded frame's best-effort time, seconds
     * @param packets    every packet of the stream in demux order
     * @param errors     FFmpeg log lines at error level or worse and failed decoder calls
     * @param otherPackets packets of other streams that reached the reader (0 when discarding works)
     */
    public record Decoded(StreamInfo stream, List<Picture> pictures, MediaDecoder.Audio audio, List<Double> framePts,
                          List<Packet> packets, List<String> errors, int otherPackets) {
    }

    /** The streams a manifest or playlist offers (or any media file's, e.g. an MP4 twin's). */
    public static Listing list(Path manifest) throws IOException {
        try (FfmpegLogCapture log = FfmpegLogCapture.start()) {
            AVFormatContext fc = open(manifest);
            try {
                return listing(fc);
            } finally {
                avformat_close_input(fc);
            }
        }
    }

    /** Decodes stream {@code index} of the manifest to its end, discarding all the others. */
    public static Decoded decode(Path manifest, int index) throws IOException {
        return decode(manifest, index, true);
    }

    /** As {@link #decode(Path, int)}, the other streams discarded or not (then their packets are read and dropped). */
    public static Decoded decode(Path manifest, int index, boolean discardOthers) throws IOException {
        List<String> errors = new ArrayList<>();
        try (FfmpegLogCapture log = FfmpegLogCapture.start()) {
            Decoded d = decode(manifest, index, discardOthers, errors);
            log.errors().forEach(m -> errors.add(m.text().strip()));
            return new Decoded(d.stream(), d.pictures(), d.audio(), d.framePts(), d.packets(), List.copyOf(errors), d.otherPackets());
        }
    }

    /** The first stream of a type ("video"/"audio") whose stream or programs match {@code filter}, or throws. */
    public static StreamInfo find(Listing listing, java.util.function.Predicate<StreamInfo> filter) {
        return listing.streams().stream().filter(filter).findFirst()
                .orElseThrow(() -> new AssertionError("no such stream among " + listing.streams()));
    }

    private static AVFormatContext open(Path manifest) throws IOException {
        return open(manifest, -1);
    }

    /** Opens the manifest; with {@code keep} >= 0, every other stream is discarded before any packet is read. */
    private static AVFormatContext open(Path manifest, int keep) throws IOException {
        String name = manifest.getFileName().toString();
        boolean dash = name.endsWith(".mpd");
        boolean hls = name.endsWith(".m3u8");
        // Anything else (an MP4 twin, a segment) is probed like any file.
        AVInputFormat format = dash || hls ? av_find_input_format(dash ? "dash" : "hls") : null;
        if ((dash || hls) && format == null) {
            throw new IOException("This FFmpeg build has no " + (dash ? "dash" : "hls") + " demuxer");
        }
        AVFormatContext fc = new AVFormatContext(null);
        AVDictionary opts = new AVDictionary(null);
        // No hls options: FFmpeg 8's hls demuxer opens .m4s fMP4 segments with its defaults (m4s is in
        // allowed_extensions, and extension_picky accepts it for the mov demuxer), measured; a player has the defaults.
        FfmpegUtil.check(avformat_open_input(fc, manifest.toString(), format, opts), "avformat_open_input " + manifest);
        av_dict_free(opts);
        // Discard before find_stream_info: set later, the hls demuxer stops reading a discarded playlist in the middle
        // of packets find_stream_info already queued, and the h264 parser then logs "Invalid NAL unit size" for them.
        for (int i = 0; keep >= 0 && i < fc.nb_streams(); i++) {
            fc.streams(i).discard(i == keep ? AVDISCARD_DEFAULT : AVDISCARD_ALL);
        }
        FfmpegUtil.check(avformat_find_stream_info(fc, (PointerPointer<?>) null), "find_stream_info " + manifest);
        return fc;
    }

    private static Listing listing(AVFormatContext fc) {
        List<ProgramInfo> programs = new ArrayList<>();
        Map<Integer, List<Integer>> programsOf = new LinkedHashMap<>();
        for (int p = 0; p < fc.nb_programs(); p++) {
            AVProgram prog = fc.programs(p);
            List<Integer> streams = new ArrayList<>();
            for (int k = 0; k < prog.nb_stream_indexes(); k++) {
                int s = prog.stream_index().get(k);
                streams.add(s);
                programsOf.computeIfAbsent(s, x -> new ArrayList<>()).add(prog.id());
            }
            programs.add(new ProgramInfo(prog.id(), metadata(prog.metadata()), List.copyOf(streams)));
        }
        List<StreamInfo> streams = new ArrayList<>();
        for (int i = 0; i < fc.nb_streams(); i++) {
            AVStream st = fc.streams(i);
            AVCodecParameters par = st.codecpar();
            String type = switch (par.codec_type()) {
                case AVMEDIA_TYPE_VIDEO -> "video";
                case AVMEDIA_TYPE_AUDIO -> "audio";
                default -> "other";
            };
            streams.add(new StreamInfo(i, type, avcodec_get_name(par.codec_id()).getString(), par.width(), par.height(),
                    par.profile(), par.level(), par.ch_layout().nb_channels(), par.sample_rate(),
                    List.copyOf(programsOf.getOrDefault(i, List.of())), metadata(st.metadata())));
        }
        return new Listing(fc.iformat().name().getString(), List.copyOf(programs), List.copyOf(streams));
    }

    private static Map<String, String> metadata(AVDictionary d) {
        Map<String, String> out = new LinkedHashMap<>();
        if (d == null || d.isNull()) {
            return out;
        }
        for (var e = av_dict_get(d, "", null, AV_DICT_IGNORE_SUFFIX); e != null; e = av_dict_get(d, "", e, AV_DICT_IGNORE_SUFFIX)) {
            out.put(e.key().getString(), e.value().getString());
        }
        return out;
    }

    private static Decoded decode(Path manifest, int index, boolean discardOthers, List<String> errors) throws IOException {
        AVFormatContext fc = open(manifest, discardOthers ? index : -1);
        AVCodecContext dc = null;
        AVPacket pkt = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        try {
            Listing listing = listing(fc);
            if (index < 0 || index >= fc.nb_streams()) {
                throw new IOException("no stream " + index + " in " + manifest);
            }
            AVStream st = fc.streams(index);
            AVCodec codec = avcodec_find_decoder(st.codecpar().codec_id());
            dc = avcodec_alloc_context3(codec);
            FfmpegUtil.check(avcodec_parameters_to_context(dc, st.codecpar()), "parameters_to_context");
            dc.pkt_timebase(st.time_base());
            dc.thread_count(1);
            FfmpegUtil.check(avcodec_open2(dc, codec, (AVDictionary) null), "avcodec_open2 decoder");
            Sink sink = new Sink(st, listing.streams().get(index).isVideo());
            List<Packet> packets = new ArrayList<>();
            int others = 0;
            int ret;
            while ((ret = av_read_frame(fc, pkt)) >= 0) {
                if (pkt.stream_index() == index) {
                    packets.add(new Packet(sec(st, pkt.pts()), sec(st, pkt.dts()), sec(st, pkt.duration()),
                            (pkt.flags() & AV_PKT_FLAG_KEY) != 0, pkt.size(),
                            st.codecpar().codec_id() == AV_CODEC_ID_H264 ? nalTypes(pkt) : List.of()));
                    int sent = avcodec_send_packet(dc, pkt);
                    if (sent < 0) {
                        errors.add("avcodec_send_packet at " + sec(st, pkt.pts()) + " s: " + FfmpegUtil.errorText(sent));
                    }
                    sink.receive(dc, frame, errors);
                } else {
                    others++;
                }
                av_packet_unref(pkt);
            }
            if (ret != AVERROR_EOF()) {
                errors.add("av_read_frame stopped before the end: " + FfmpegUtil.errorText(ret));
            }
            avcodec_send_packet(dc, null);
            sink.receive(dc, frame, errors);
            return new Decoded(listing.streams().get(index), List.copyOf(sink.pictures), sink.audio(), List.copyOf(sink.framePts),
                    List.copyOf(packets), errors, others);
        } finally {
            av_frame_free(frame);
            av_packet_free(pkt);
            if (dc != null) {
                avcodec_free_context(dc);
            }
            avformat_close_input(fc);
        }
    }

    /** The NAL unit types of an AVCC packet (4-byte lengths, as x264 in MP4 writes them). */
    private static List<Integer> nalTypes(AVPacket pkt) {
        List<Integer> out = new ArrayList<>();
        org.bytedeco.javacpp.BytePointer data = pkt.data();
        long at = 0;
        while (at + 5 <= pkt.size()) {
            long length = ((data.get(at) & 0xffL) << 24) | ((data.get(at + 1) & 0xff) << 16) | ((data.get(at + 2) & 0xff) << 8)
                    | (data.get(at + 3) & 0xff);
            out.add(data.get(at + 4) & 0x1f);
            at += 4 + length;
        }
        return List.copyOf(out);
    }

    private static double sec(AVStream st, long ts) {
        return ts == AV_NOPTS_VALUE ? Double.NaN : ts * av_q2d(st.time_base());
    }

    /** Collects decoded frames: pictures reduced to their code and flash mean, audio mixed to mono. */
    private static final class Sink {
        private final AVStream st;
        private final boolean video;
        private final List<Picture> pictures = new ArrayList<>();
        private final List<Double> framePts = new ArrayList<>();
        private final List<float[]> chunks = new ArrayList<>();
        private int sampleRate;
        private int channels;

        Sink(AVStream st, boolean video) {
            this.st = st;
            this.video = video;
        }

        void receive(AVCodecContext dc, AVFrame frame, List<String> errors) {
            int ret;
            while ((ret = avcodec_receive_frame(dc, frame)) >= 0) {
                double seconds = sec(st, frame.best_effort_timestamp());
                framePts.add(seconds);
                if (video) {
                    MediaDecoder.VideoFrame f = MediaDecoder.toVideoFrame(pictures.size(), seconds, frame);
                    FrameCode.Reading code = f.codeAnyOrientation();
                    double flash = SyncMarks.flashRegionMean(f.luma(), f.width(), f.height(), f.width(),
                            code.found() ? code.orientationDegrees() : 0);
                    pictures.add(new Picture(code, seconds, (frame.flags() & FRAME_FLAG_KEY) != 0, f.width(), f.height(), flash));
                } else {
                    sampleRate = frame.sample_rate();
                    channels = frame.ch_layout().nb_channels();
                    chunks.add(MediaDecoder.mixdown(frame));
                }
                av_frame_unref(frame);
            }
            if (ret != FfmpegUtil.EAGAIN && ret != AVERROR_EOF()) {
                errors.add("avcodec_receive_frame: " + FfmpegUtil.errorText(ret));
            }
        }

        MediaDecoder.Audio audio() {
            if (video) {
                return null;
            }
            int n = chunks.stream().mapToInt(c -> c.length).sum();
            float[] mono = new float[n];
            int at = 0;
            for (float[] c : chunks) {
                System.arraycopy(c, 0, mono, at, c.length);
                at += c.length;
            }
            return new MediaDecoder.Audio(mono, sampleRate, channels, framePts.isEmpty() ? Double.NaN : framePts.get(0));
        }
    }
}
