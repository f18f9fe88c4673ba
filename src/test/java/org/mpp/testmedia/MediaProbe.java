package org.mpp.testmedia;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.IntPointer;

/**
 * Reads a file's streams and every packet (no decoding) with FFmpeg's raw API: what a test needs to check a
 * container — codec, size, time base, frame rates, display rotation, channel layout, packet timestamps, keyframes.
 */
public final class MediaProbe {
    private MediaProbe() {
    }

    /** One packet in file (decode) order; timestamps in the stream's time base (AV_NOPTS_VALUE kept as is). */
    public record Packet(long pts, long dts, long duration, boolean key, long pos, int size) {
    }

    /**
     * One stream.
     *
     * @param displayRotation {@code av_display_rotation_get} of the AV_PKT_DATA_DISPLAYMATRIX in codecpar's coded
     *                        side data, or null when there is none
     * @param channelLayout   {@code av_channel_layout_describe}, e.g. "stereo", "5.1"; null for video
     */
    public record Stream(int index, String type, String codec, int width, int height, String pixelFormat,
                         int tbNum, int tbDen, double avgFrameRate, double rFrameRate, Double displayRotation,
                         int channels, String channelLayout, int sampleRate, List<Packet> packets) {
        /** Whether this is a video stream. */
        public boolean isVideo() {
            return "video".equals(type);
        }

        /** Whether this is an audio stream. */
        public boolean isAudio() {
            return "audio".equals(type);
        }

        /** Converts a timestamp of this stream to seconds. */
        public double seconds(long ts) {
            return (double) ts * tbNum / tbDen;
        }

        /** Presentation timestamps in presentation order (packets without pts left out). */
        public long[] sortedPts() {
            return packets.stream().mapToLong(Packet::pts).filter(p -> p != AV_NOPTS_VALUE).sorted().toArray();
        }

        /** The distinct differences between consecutive sorted pts. */
        public TreeSet<Long> ptsDeltas() {
            long[] pts = sortedPts();
            TreeSet<Long> d = new TreeSet<>();
            for (int i = 1; i < pts.length; i++) {
                d.add(pts[i] - pts[i - 1]);
            }
            return d;
        }

        /**
         * Whether frame durations vary by more than one time-base unit (one unit of jitter comes from rounding a
         * constant rate into e.g. MP4's 1/15360 or Matroska's 1/1000 time base).
         */
        public boolean isVariableFrameRate() {
            TreeSet<Long> d = ptsDeltas();
            return !d.isEmpty() && d.last() - d.first() > 1;
        }

        /** Presentation times, in seconds, of the keyframe packets, in file order. */
        public List<Double> keyframeTimes() {
            return packets.stream().filter(Packet::key).map(p -> seconds(p.pts())).toList();
        }

        /** Whether packets come out of presentation order (B-frames). */
        public boolean hasReordering() {
            long last = Long.MIN_VALUE;
            for (Packet p : packets) {
                if (p.pts() < last) {
                    return true;
                }
                last = p.pts();
            }
            return false;
        }

        /** Span from the first pts to the end of the last packet, in seconds. */
        public double spanSeconds() {
            long[] pts = sortedPts();
            if (pts.length == 0) {
                return 0;
            }
            long lastDuration = packets.stream().filter(p -> p.pts() == pts[pts.length - 1])
                    .mapToLong(Packet::duration).findFirst().orElse(0);
            return seconds(pts[pts.length - 1] + lastDuration - pts[0]);
        }
    }

    /** The whole file: format name (e.g. "mov,mp4,m4a,3gp,3g2,mj2"), duration and start in seconds, streams. */
    public record Info(String formatName, double durationSeconds, double startSeconds, List<Stream> streams) {
        /** The first video stream. */
        public Optional<Stream> video() {
            return streams.stream().filter(Stream::isVideo).findFirst();
        }

        /** The first audio stream. */
        public Optional<Stream> audio() {
            return streams.stream().filter(Stream::isAudio).findFirst();
        }
    }

    /** Opens, reads every packet, closes. Throws when FFmpeg cannot open or read the file's header. */
    public static Info probe(Path file) throws IOException {
        AVFormatContext fc = new AVFormatContext(null);
        FfmpegUtil.check(avformat_open_input(fc, file.toString(), null, null), "avformat_open_input " + file);
        AVPacket pkt = av_packet_alloc();
        try {
            FfmpegUtil.check(avformat_find_stream_info(fc, (org.bytedeco.javacpp.PointerPointer<?>) null),
                    "avformat_find_stream_info " + file);
            int n = fc.nb_streams();
            List<List<Packet>> packets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                packets.add(new ArrayList<>());
            }
            while (av_read_frame(fc, pkt) >= 0) {
                packets.get(pkt.stream_index()).add(new Packet(pkt.pts(), pkt.dts(), pkt.duration(),
                        (pkt.flags() & AV_PKT_FLAG_KEY) != 0, pkt.pos(), pkt.size()));
                av_packet_unref(pkt);
            }
            List<Stream> streams = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                streams.add(stream(fc.streams(i), packets.get(i)));
            }
            double duration = fc.duration() == AV_NOPTS_VALUE ? Double.NaN : fc.duration() / 1e6;
            double start = fc.start_time() == AV_NOPTS_VALUE ? Double.NaN : fc.start_time() / 1e6;
            return new Info(fc.iformat().name().getString(), duration, start, List.copyOf(streams));
        } finally {
            av_packet_free(pkt);
            avformat_close_input(fc);
        }
    }

    /** {@code av_display_rotation_get} of a stream's coded-side-data display matrix, or null when absent. */
    public static Double displayRotation(AVCodecParameters par) {
        AVPacketSideData sd = av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(),
                AV_PKT_DATA_DISPLAYMATRIX);
        if (sd == null || sd.isNull() || sd.size() < 36) {
            return null;
        }
        return av_display_rotation_get(new IntPointer(sd.data()));
    }

    private static Stream stream(AVStream st, List<Packet> packets) {
        AVCodecParameters par = st.codecpar();
        int mt = par.codec_type();
        String type = mt == AVMEDIA_TYPE_VIDEO ? "video" : mt == AVMEDIA_TYPE_AUDIO ? "audio"
                : mt == AVMEDIA_TYPE_SUBTITLE ? "subtitle" : mt == AVMEDIA_TYPE_DATA ? "data" : "other";
        String codec = avcodec_get_name(par.codec_id()).getString();
        String pix = null;
        String layout = null;
        if (mt == AVMEDIA_TYPE_VIDEO && par.format() >= 0) {
            pix = av_get_pix_fmt_name(par.format()).getString();
        }
        if (mt == AVMEDIA_TYPE_AUDIO) {
            byte[] buf = new byte[128];
            av_channel_layout_describe(par.ch_layout(), buf, buf.length);
            int len = 0;
            while (len < buf.length && buf[len] != 0) {
                len++;
            }
            layout = new String(buf, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
        }
        AVRational tb = st.time_base();
        return new Stream(st.index(), type, codec, par.width(), par.height(), pix, tb.num(), tb.den(),
                q(st.avg_frame_rate()), q(st.r_frame_rate()), displayRotation(par), par.ch_layout().nb_channels(),
                layout, par.sample_rate(), List.copyOf(packets));
    }

    private static double q(AVRational r) {
        return r.den() == 0 ? 0 : (double) r.num() / r.den();
    }
}
