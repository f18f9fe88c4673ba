package org.mpp.testweb;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.PointerPointer;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Stream packages like the ones MPP's packager will write ({@code master.m3u8} and {@code manifest.mpd} over one set
 * of fMP4 segments), made with FFmpeg's own dash muxer ({@code hls_playlist=1}) so that the browser harness can be
 * tested before that packager exists.
 *
 * <p>Each video level is a {@link SyntheticMedia} clip (H.264, 30 fps, a keyframe every second, so that every level
 * cuts its 2 s segments at the same times); the audio (AAC stereo) comes from the first level's clip. The clips are
 * then stream-copied, without re-encoding, into one dash muxer.
 */
final class StreamPackages {
    private StreamPackages() {
    }

    /**
     * Writes a package into {@code dir} (created; must be empty or absent): one 16:9 video level per height, in the
     * order given, plus one audio track, {@code seconds} long. Returns {@code dir}.
     */
    static Path write(Path dir, double seconds, int... heights) throws IOException {
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory(dir.getParent(), "levels");
        List<Path> clips = new ArrayList<>();
        for (int i = 0; i < heights.length; i++) {
            int height = heights[i];
            int width = (height * 16 / 9 + 1) & ~1;
            SyntheticMedia.Builder clip = SyntheticMedia.builder().size(width, height).seconds(seconds);
            if (i > 0) {
                clip.noAudio();
            }
            clips.add(clip.write(work.resolve("level" + i + ".mp4")));
        }
        remuxToDash(clips, dir.resolve("manifest.mpd"));
        return dir;
    }

    private static void remuxToDash(List<Path> clips, Path manifest) throws IOException {
        List<AVFormatContext> inputs = new ArrayList<>();
        AVFormatContext oc = new AVFormatContext(null);
        AVPacket pkt = av_packet_alloc();
        try {
            check(avformat_alloc_output_context2(oc, null, "dash", manifest.toString()), "dash muxer");
            // out[input][stream]: the output stream index of each input stream that is kept, -1 for the rest.
            List<int[]> out = new ArrayList<>();
            for (int c = 0; c < clips.size(); c++) {
                AVFormatContext ic = new AVFormatContext(null);
                check(avformat_open_input(ic, clips.get(c).toString(), null, null), "open " + clips.get(c));
                inputs.add(ic);
                check(avformat_find_stream_info(ic, (PointerPointer<?>) null), "stream info " + clips.get(c));
                int[] map = new int[ic.nb_streams()];
                for (int s = 0; s < ic.nb_streams(); s++) {
                    AVStream ist = ic.streams(s);
                    map[s] = -1;
                    int type = ist.codecpar().codec_type();
                    if (type == AVMEDIA_TYPE_VIDEO || type == AVMEDIA_TYPE_AUDIO && c == 0) {
                        AVStream ost = avformat_new_stream(oc, null);
                        check(avcodec_parameters_copy(ost.codecpar(), ist.codecpar()), "copy parameters");
                        ost.codecpar().codec_tag(0);
                        ost.time_base(ist.time_base());
                        map[s] = ost.index();
                    }
                }
                out.add(map);
            }
            Map<String, String> options = new LinkedHashMap<>();
            options.put("seg_duration", "2");
            options.put("use_template", "1");
            options.put("use_timeline", "1");
            options.put("hls_playlist", "1");
            options.put("adaptation_sets", "id=0,streams=v id=1,streams=a");
            AVDictionary opts = new AVDictionary(null);
            options.forEach((k, v) -> av_dict_set(opts, k, v, 0));
            try {
                check(avformat_write_header(oc, opts), "dash header");
            } finally {
                av_dict_free(opts);
            }
            // The interleaver holds packets until every stream has one; the clips are small, so one input after
            // the other is fine.
            for (int c = 0; c < inputs.size(); c++) {
                AVFormatContext ic = inputs.get(c);
                while (av_read_frame(ic, pkt) >= 0) {
                    int target = out.get(c)[pkt.stream_index()];
                    if (target >= 0) {
                        av_packet_rescale_ts(pkt, ic.streams(pkt.stream_index()).time_base(),
                                oc.streams(target).time_base());
                        pkt.stream_index(target);
                        pkt.pos(-1);
                        check(av_interleaved_write_frame(oc, pkt), "write packet");
                    } else {
                        av_packet_unref(pkt);
                    }
                }
            }
            check(av_write_trailer(oc), "dash trailer");
        } finally {
            av_packet_free(pkt);
            for (AVFormatContext ic : inputs) {
                avformat_close_input(ic);
            }
            avformat_free_context(oc);
        }
    }

    private static void check(int ret, String what) throws IOException {
        if (ret < 0) {
            byte[] buf = new byte[256];
            av_strerror(ret, buf, buf.length);
            throw new IOException(what + ": " + new String(buf, java.nio.charset.StandardCharsets.US_ASCII).trim()
                    + " (" + ret + ")");
        }
    }
}
