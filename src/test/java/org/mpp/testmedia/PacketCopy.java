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
}
