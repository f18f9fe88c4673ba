package org.mpp.testmedia;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacpp.PointerPointer;

/** Stream copy without decoding, for tests of cutting behaviour (open GOPs, leading pictures). */
public final class PacketCopy {
    private PacketCopy() {
    }

    /**
     * Copies the first video stream's packets, from the {@code keyframe}-th keyframe packet (0-based, file order)
     * to the end, into {@code out} (container from its extension). Timestamps are kept, not rebased; the codec
     * parameters (extradata, display matrix) are copied. Returns the number of packets written.
     */
    public static int videoFromKeyframe(Path in, Path out, int keyframe) throws IOException {
        Files.deleteIfExists(out);
        AVFormatContext ic = new AVFormatContext(null);
        FfmpegUtil.check(avformat_open_input(ic, in.toString(), null, null), "avformat_open_input " + in);
        AVFormatContext oc = new AVFormatContext(null);
        AVPacket pkt = av_packet_alloc();
        boolean opened = false;
        try {
            FfmpegUtil.check(avformat_find_stream_info(ic, (PointerPointer<?>) null), "find_stream_info");
            int si = FfmpegUtil.check(av_find_best_stream(ic, org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO,
                    -1, -1, (AVCodec) null, 0), "no video stream in " + in);
            AVStream ist = ic.streams(si);
            FfmpegUtil.check(avformat_alloc_output_context2(oc, null, (String) null, out.toString()), "muxer");
            AVStream ost = avformat_new_stream(oc, null);
            FfmpegUtil.check(avcodec_parameters_copy(ost.codecpar(), ist.codecpar()), "parameters_copy");
            ost.codecpar().codec_tag(0);
            ost.time_base(ist.time_base());
            AVIOContext pb = new AVIOContext(null);
            FfmpegUtil.check(avio_open(pb, out.toString(), AVIO_FLAG_WRITE), "avio_open " + out);
            oc.pb(pb);
            opened = true;
            FfmpegUtil.check(avformat_write_header(oc, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "header");
            int seen = -1;
            int written = 0;
            while (av_read_frame(ic, pkt) >= 0) {
                if (pkt.stream_index() == si) {
                    if ((pkt.flags() & AV_PKT_FLAG_KEY) != 0) {
                        seen++;
                    }
                    if (seen >= keyframe) {
                        pkt.stream_index(0);
                        pkt.pos(-1);
                        av_packet_rescale_ts(pkt, ist.time_base(), ost.time_base());
                        FfmpegUtil.check(av_interleaved_write_frame(oc, pkt), "write packet");
                        written++;
                    }
                }
                av_packet_unref(pkt);
            }
            FfmpegUtil.check(av_write_trailer(oc), "trailer");
            return written;
        } finally {
            close(ic, oc, pkt, opened);
        }
    }

    /**
     * Joins MPEG-TS parts byte by byte with FFmpeg's concat <em>protocol</em> ({@code concat:a.ts|b.ts}, as
     * {@code ffmpeg -i "concat:a.ts|b.ts" -c copy out.mp4} does) and remuxes every video and audio packet into
     * {@code out} (container from its extension). Where the parts' decode timestamps overlap at a join, they are fixed
     * up as the ffmpeg CLI's muxer does ({@code fftools/ffmpeg_mux.c}: a DTS below the last one becomes last + 1 and
     * the PTS is raised to at least that), which can leave two frames with one presentation time. Only tests build
     * inputs this way: the product opens local files only.
     */
    public static void concatProtocol(java.util.List<Path> parts, Path out) throws IOException {
        Files.deleteIfExists(out);
        String url = "concat:" + String.join("|", parts.stream().map(p -> p.toAbsolutePath().toString()).toList());
        AVFormatContext ic = new AVFormatContext(null);
        FfmpegUtil.check(avformat_open_input(ic, url, null, null), "avformat_open_input " + url);
        AVFormatContext oc = new AVFormatContext(null);
        AVPacket pkt = av_packet_alloc();
        boolean opened = false;
        try {
            FfmpegUtil.check(avformat_find_stream_info(ic, (PointerPointer<?>) null), "find_stream_info");
            FfmpegUtil.check(avformat_alloc_output_context2(oc, null, (String) null, out.toString()), "muxer");
            int[] map = new int[ic.nb_streams()];
            long[] lastDts = new long[ic.nb_streams()];
            java.util.Arrays.fill(lastDts, org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE);
            int next = 0;
            for (int i = 0; i < ic.nb_streams(); i++) {
                AVStream ist = ic.streams(i);
                int type = ist.codecpar().codec_type();
                if (type != org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO
                        && type != org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO) {
                    map[i] = -1;
                    continue;
                }
                AVStream ost = avformat_new_stream(oc, null);
                FfmpegUtil.check(avcodec_parameters_copy(ost.codecpar(), ist.codecpar()), "parameters_copy");
                ost.codecpar().codec_tag(0);
                ost.time_base(ist.time_base());
                map[i] = next++;
            }
            AVIOContext pb = new AVIOContext(null);
            FfmpegUtil.check(avio_open(pb, out.toString(), AVIO_FLAG_WRITE), "avio_open " + out);
            oc.pb(pb);
            opened = true;
            FfmpegUtil.check(avformat_write_header(oc, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "header");
            while (av_read_frame(ic, pkt) >= 0) {
                int o = map[pkt.stream_index()];
                if (o >= 0) {
                    av_packet_rescale_ts(pkt, ic.streams(pkt.stream_index()).time_base(), oc.streams(o).time_base());
                    long last = lastDts[o];
                    if (pkt.dts() != org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE
                            && last != org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE && pkt.dts() <= last) {
                        if (pkt.pts() >= pkt.dts()) {
                            pkt.pts(Math.max(pkt.pts(), last + 1));
                        }
                        pkt.dts(last + 1);
                    }
                    lastDts[o] = pkt.dts();
                    pkt.stream_index(o);
                    pkt.pos(-1);
                    FfmpegUtil.check(av_interleaved_write_frame(oc, pkt), "write packet");
                }
                av_packet_unref(pkt);
            }
            FfmpegUtil.check(av_write_trailer(oc), "trailer");
        } finally {
            close(ic, oc, pkt, opened);
        }
    }

    /** Frees what a copy opened: the packet, the output file (when it was opened) and context, and the input. */
    private static void close(AVFormatContext ic, AVFormatContext oc, AVPacket pkt, boolean opened) {
        av_packet_free(pkt);
        if (opened) {
            avio_closep(oc.pb());
            oc.pb(null);
        }
        if (!oc.isNull()) {
            avformat_free_context(oc);
        }
        avformat_close_input(ic);
    }
}
