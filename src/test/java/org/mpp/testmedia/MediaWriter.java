package org.mpp.testmedia;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;

/** Encodes a {@link SyntheticMedia.Plan} with FFmpeg's raw API: exact pts, side data and encoder options. */
final class MediaWriter {
    private final SyntheticMedia.Plan plan;
    private final Path file;
    private AVFormatContext oc;
    private AVCodecContext vc;
    private AVCodecContext ac;
    private AVStream vs;
    private AVStream as;
    private AVFrame vf;
    private AVFrame af;
    private final AVPacket pkt = av_packet_alloc();

    private MediaWriter(SyntheticMedia.Plan plan, Path file) {
        this.plan = plan;
        this.file = file;
    }

    static void write(SyntheticMedia.Plan plan, Path file) throws IOException {
        Files.deleteIfExists(file);
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        MediaWriter w = new MediaWriter(plan, file);
        try {
            w.run();
        } finally {
            w.free();
        }
    }

    private void run() throws IOException {
        oc = new AVFormatContext(null);
        FfmpegUtil.check(avformat_alloc_output_context2(oc, null, (String) null, file.toString()),
                "no muxer for " + file);
        if (plan.hasVideo()) {
            openVideo();
        }
        if (plan.audioChannels() > 0) {
            openAudio();
        }
        if ((oc.oformat().flags() & AVFMT_NOFILE) == 0) {
            AVIOContext pb = new AVIOContext(null);
            FfmpegUtil.check(avio_open(pb, file.toString(), AVIO_FLAG_WRITE), "avio_open " + file);
            oc.pb(pb);
        }
        AVDictionary opts = FfmpegUtil.dict(plan.muxerOptions());
        try {
            FfmpegUtil.check(avformat_write_header(oc, opts), "avformat_write_header " + file);
            FfmpegUtil.requireConsumed(opts, "muxer");
        } finally {
            av_dict_free(opts);
        }
        int frame = 0;
        long sample = 0;
        int frameSize = ac == null ? 0 : ac.frame_size() > 0 ? ac.frame_size() : 1024;
        float[] buf = new float[Math.max(frameSize, 1)];
        while (frame < plan.frameCount() || sample < plan.audioSamples() && ac != null) {
            double vt = frame < plan.frameCount() ? plan.frameTime(frame) : Double.MAX_VALUE;
            double at = ac != null && sample < plan.audioSamples()
                    ? (double) sample / plan.sampleRate() : Double.MAX_VALUE;
            if (vt <= at) {
                encodeVideo(frame++);
            } else {
                int n = (int) Math.min(frameSize, plan.audioSamples() - sample);
                encodeAudio(sample, n, buf);
                sample += n;
            }
        }
        if (vc != null) {
            FfmpegUtil.check(avcodec_send_frame(vc, null), "flush video");
            drain(vc, vs);
        }
        if (ac != null) {
            FfmpegUtil.check(avcodec_send_frame(ac, null), "flush audio");
            drain(ac, as);
        }
        FfmpegUtil.check(av_write_trailer(oc), "av_write_trailer");
    }

    private void openVideo() throws IOException {
        VideoCodec codec = plan.codec();
        AVCodec enc = avcodec_find_encoder_by_name(codec.encoderName());
        if (enc == null) {
            throw new IOException("encoder " + codec.encoderName() + " not in this FFmpeg build");
        }
        vs = avformat_new_stream(oc, null);
        vc = avcodec_alloc_context3(enc);
        vc.width(plan.width()).height(plan.height()).pix_fmt(codec.pixelFormat());
        vc.time_base(av_make_q(plan.fpsDen(), plan.fpsNum()));
        vc.framerate(av_make_q(plan.fpsNum(), plan.fpsDen()));
        vc.gop_size(plan.gop()).keyint_min(plan.gop());
        vc.max_b_frames(plan.bFrames() ? 2 : 0);
        vc.thread_count(1);
        if ((oc.oformat().flags() & AVFMT_GLOBALHEADER) != 0) {
            vc.flags(vc.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        Map<String, String> o = new LinkedHashMap<>();
        int g = plan.gop();
        int b = plan.bFrames() ? 2 : 0;
        int open = plan.openGop() ? 1 : 0;
        switch (codec) {
            case H264 -> {
                o.put("preset", "veryfast");
                o.put("profile", "high");
                o.put("crf", "23");
                o.put("x264-params", "keyint=" + g + ":min-keyint=" + g + ":scenecut=0:bframes=" + b
                        + ":open-gop=" + open);
            }
            case HEVC -> {
                o.put("preset", "ultrafast");
                o.put("crf", "28");
                o.put("x265-params", "log-level=error:keyint=" + g + ":min-keyint=" + g + ":scenecut=0:bframes="
                        + b + ":open-gop=" + open + ":frame-threads=1:pools=1");
            }
            case MPEG2 -> {
                qscale(4);
                o.put("sc_threshold", "1000000000");
                if (!plan.openGop()) {
                    vc.flags(vc.flags() | AV_CODEC_FLAG_CLOSED_GOP);
                }
            }
            case VP9 -> {
                vc.bit_rate(0);
                o.put("deadline", "realtime");
                o.put("cpu-used", "8");
                o.put("crf", "32");
                o.put("lag-in-frames", "0");
            }
            case PRORES -> o.put("profile", "0");
            case MJPEG -> {
                vc.color_range(AVCOL_RANGE_JPEG);
                qscale(4);
            }
            default -> throw new IllegalStateException(codec.name());
        }
        open(vc, enc, o, codec.encoderName());
        AVCodecParameters par = vs.codecpar();
        FfmpegUtil.check(avcodec_parameters_from_context(par, vc), "avcodec_parameters_from_context");
        vs.time_base(vc.time_base());
        if (plan.displayRotation() != 0) {
            addDisplayMatrix(par, plan.displayRotation());
        }
        vf = av_frame_alloc();
        vf.format(vc.pix_fmt()).width(plan.width()).height(plan.height());
        vf.color_range(vc.color_range());
        FfmpegUtil.check(av_frame_get_buffer(vf, 0), "av_frame_get_buffer");
    }

    private void qscale(int q) {
        vc.flags(vc.flags() | AV_CODEC_FLAG_QSCALE);
        vc.global_quality(q * FF_QP2LAMBDA);
    }

    /**
     * Adds an AV_PKT_DATA_DISPLAYMATRIX to the stream's coded side data that {@code av_display_rotation_get} reads
     * back as {@code degrees} (counterclockwise). av_display_rotation_set takes the clockwise angle: set(-degrees).
     */
    static void addDisplayMatrix(AVCodecParameters par, double degrees) throws IOException {
        PointerPointer<AVPacketSideData> array = new PointerPointer<>(1);
        array.put(0, par.nb_coded_side_data() > 0 ? par.coded_side_data() : new Pointer());
        IntPointer count = new IntPointer(1).put(par.nb_coded_side_data());
        AVPacketSideData sd = av_packet_side_data_new(array, count, AV_PKT_DATA_DISPLAYMATRIX, 9 * 4, 0);
        if (sd == null || sd.isNull()) {
            throw new IOException("av_packet_side_data_new failed");
        }
        par.coded_side_data(new AVPacketSideData(array.get(0)));
        par.nb_coded_side_data(count.get());
        av_display_rotation_set(new IntPointer(sd.data()), -degrees);
    }

    private void openAudio() throws IOException {
        // WebM takes only Opus/Vorbis: libopus (interleaved float). AVI: PCM s16le, as cameras write it (AAC's
        // negative priming timestamps make the AVI muxer leave a gap after the first video frame). Else FFmpeg's AAC.
        String muxer = oc.oformat().name().getString();
        String name = switch (muxer) {
            case "webm" -> "libopus";
            case "avi" -> "pcm_s16le";
            default -> "aac";
        };
        int sampleFormat = switch (name) {
            case "libopus" -> AV_SAMPLE_FMT_FLT;
            case "pcm_s16le" -> AV_SAMPLE_FMT_S16;
            default -> AV_SAMPLE_FMT_FLTP;
        };
        AVCodec enc = avcodec_find_encoder_by_name(name);
        if (enc == null) {
            throw new IOException("audio encoder " + name + " not in this FFmpeg build");
        }
        as = avformat_new_stream(oc, null);
        ac = avcodec_alloc_context3(enc);
        ac.sample_fmt(sampleFormat).sample_rate(plan.sampleRate());
        av_channel_layout_default(ac.ch_layout(), plan.audioChannels());
        ac.bit_rate(64000L * Math.min(plan.audioChannels(), 4));
        ac.time_base(av_make_q(1, plan.sampleRate()));
        if ((oc.oformat().flags() & AVFMT_GLOBALHEADER) != 0) {
            ac.flags(ac.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        open(ac, enc, Map.of(), name);
        FfmpegUtil.check(avcodec_parameters_from_context(as.codecpar(), ac), "avcodec_parameters_from_context");
        as.time_base(ac.time_base());
        af = av_frame_alloc();
        af.format(ac.sample_fmt()).sample_rate(plan.sampleRate());
        af.nb_samples(ac.frame_size() > 0 ? ac.frame_size() : 1024);
        FfmpegUtil.check(av_channel_layout_copy(af.ch_layout(), ac.ch_layout()), "av_channel_layout_copy");
        FfmpegUtil.check(av_frame_get_buffer(af, 0), "av_frame_get_buffer audio");
    }

    private static void open(AVCodecContext c, AVCodec enc, Map<String, String> options, String name)
            throws IOException {
        AVDictionary opts = FfmpegUtil.dict(options);
        try {
            FfmpegUtil.check(avcodec_open2(c, enc, opts), "avcodec_open2 " + name);
            FfmpegUtil.requireConsumed(opts, name);
        } finally {
            av_dict_free(opts);
        }
    }

    private void encodeVideo(int index) throws IOException {
        FfmpegUtil.check(av_frame_make_writable(vf), "av_frame_make_writable");
        int w = plan.width();
        int h = plan.height();
        byte[] y = new byte[w * h];
        TestPattern.paintLuma(y, w, h, index, plan.flash()[index]);
        boolean is422 = vc.pix_fmt() == AV_PIX_FMT_YUV422P10LE;
        int cw = (w + 1) / 2;
        int ch = is422 ? h : (h + 1) / 2;
        byte[] u = new byte[cw * ch];
        byte[] v = new byte[cw * ch];
        TestPattern.paintChroma(u, v, cw, ch, w, h, index);
        putPlane(0, y, w, h, is422);
        putPlane(1, u, cw, ch, is422);
        putPlane(2, v, cw, ch, is422);
        vf.pts(plan.framePts()[index] + plan.startTicks());
        vf.duration(frameDuration(index));
        if ((vc.flags() & AV_CODEC_FLAG_QSCALE) != 0) {
            vf.quality(vc.global_quality());
        }
        FfmpegUtil.check(avcodec_send_frame(vc, vf), "avcodec_send_frame video");
        drain(vc, vs);
    }

    private long frameDuration(int i) {
        long[] pts = plan.framePts();
        return (i + 1 < pts.length ? pts[i + 1] : plan.endTicks()) - pts[i];
    }

    private void putPlane(int plane, byte[] src, int w, int h, boolean tenBit) {
        int ls = vf.linesize(plane);
        if (!tenBit) {
            BytePointer d = vf.data(plane);
            for (int row = 0; row < h; row++) {
                d.position((long) row * ls).put(src, row * w, w);
            }
            return;
        }
        ShortPointer d = new ShortPointer(vf.data(plane));
        short[] line = new short[w];
        for (int row = 0; row < h; row++) {
            for (int x = 0; x < w; x++) {
                line[x] = (short) ((src[row * w + x] & 0xFF) << 2);
            }
            d.position((long) row * ls / 2).put(line, 0, w);
        }
    }

    private void encodeAudio(long first, int n, float[] buf) throws IOException {
        FfmpegUtil.check(av_frame_make_writable(af), "av_frame_make_writable audio");
        af.nb_samples(n);
        TestPattern.paintSamples(buf, first, n, plan.sampleRate());
        int channels = plan.audioChannels();
        if (ac.sample_fmt() == AV_SAMPLE_FMT_FLTP) {
            for (int c = 0; c < channels; c++) {
                new FloatPointer(af.data(c)).put(buf, 0, n);
            }
        } else if (ac.sample_fmt() == AV_SAMPLE_FMT_FLT) {
            float[] interleaved = new float[n * channels];
            for (int i = 0; i < n * channels; i++) {
                interleaved[i] = buf[i / channels];
            }
            new FloatPointer(af.data(0)).put(interleaved, 0, interleaved.length);
        } else {
            short[] interleaved = new short[n * channels];
            for (int i = 0; i < n * channels; i++) {
                interleaved[i] = (short) Math.round(buf[i / channels] * 32767f);
            }
            new ShortPointer(af.data(0)).put(interleaved, 0, interleaved.length);
        }
        long pauseSamples = plan.pauseTicks() * plan.sampleRate() * plan.fpsDen() / plan.fpsNum();
        boolean afterPause = plan.pauseAtTicks() >= 0
                && first * plan.fpsNum() >= plan.pauseAtTicks() * plan.sampleRate() * plan.fpsDen();
        af.pts(first + plan.startTicks() * plan.sampleRate() * plan.fpsDen() / plan.fpsNum() + (afterPause ? pauseSamples : 0));
        FfmpegUtil.check(avcodec_send_frame(ac, af), "avcodec_send_frame audio");
        drain(ac, as);
    }

    private void drain(AVCodecContext c, AVStream st) throws IOException {
        while (true) {
            int r = avcodec_receive_packet(c, pkt);
            if (r == FfmpegUtil.EAGAIN || r == AVERROR_EOF) {
                return;
            }
            FfmpegUtil.check(r, "avcodec_receive_packet");
            if (c == vc) {
                // exact durations (from the plan, by pts): the MP4 muxer's edit list and VFR need them
                int i = java.util.Arrays.binarySearch(plan.framePts(), pkt.pts() - plan.startTicks());
                if (i >= 0) {
                    pkt.duration(frameDuration(i));
                }
            }
            av_packet_rescale_ts(pkt, c.time_base(), st.time_base());
            pkt.stream_index(st.index());
            FfmpegUtil.check(av_interleaved_write_frame(oc, pkt), "av_interleaved_write_frame");
        }
    }

    private void free() {
        av_packet_free(pkt);
        if (vf != null) {
            av_frame_free(vf);
        }
        if (af != null) {
            av_frame_free(af);
        }
        if (vc != null) {
            avcodec_free_context(vc);
        }
        if (ac != null) {
            avcodec_free_context(ac);
        }
        if (oc != null && !oc.isNull()) {
            if (oc.pb() != null && !oc.pb().isNull() && (oc.oformat().flags() & AVFMT_NOFILE) == 0) {
                avio_closep(oc.pb());
                oc.pb(null);
            }
            avformat_free_context(oc);
        }
    }
}
