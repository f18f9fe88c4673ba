package org.mpp.bench;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.mpp.bench.VideoFrames.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVOutputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.ladder.Rendition;

/**
 * The reference for the quality section: the whole source encoded in one pass per rendition, no segments, with the
 * settings MPP's encoder uses (org.mpp.media.VideoEncoder: libx264, CRF, preset and profile of the ladder row, a fixed
 * GOP of gop-seconds x fps with {@code keyint=G:min-keyint=G:scenecut=0:open-gop=0}, the same thread count) after
 * the same scaler ({@link ScaleChain}). Video only, in MP4. For a constant-rate source at the rendition's rate, so
 * that output frame k is source frame k.
 */
final class UnchunkedEncode {
    private UnchunkedEncode() {
    }

    /** One rendition's scaler, encoder and muxer. */
    private static final class Output implements AutoCloseable {
        final Rendition rendition;
        final ScaleChain scale;
        final AVPacket pkt = av_packet_alloc();
        AVCodecContext enc;
        AVFormatContext mux;
        AVStream stream;
        long frames;

        Output(Rendition r, Path file, int gopFrames, int threads) {
            rendition = r;
            scale = new ScaleChain(r.width(), r.height());
            AVCodec codec = avcodec_find_encoder_by_name("libx264");
            if (codec == null) {
                throw new IllegalStateException("This FFmpeg build has no libx264");
            }
            enc = avcodec_alloc_context3(codec);
            enc.width(r.width());
            enc.height(r.height());
            enc.pix_fmt(avutil.AV_PIX_FMT_YUV420P);
            enc.time_base(avutil.av_make_q((int) r.frameRate().den(), (int) r.frameRate().num()));
            enc.framerate(avutil.av_make_q((int) r.frameRate().num(), (int) r.frameRate().den()));
            enc.sample_aspect_ratio(avutil.av_make_q(1, 1));
            enc.gop_size(gopFrames);
            enc.keyint_min(gopFrames);
            enc.thread_count(threads);
            enc.bit_rate(0);
            mux = new AVFormatContext(null);
            check(avformat_alloc_output_context2(mux, (AVOutputFormat) null, "mp4", file.toString()), "Creating a muxer for " + file);
            enc.flags(enc.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER);
            AVDictionary opts = new AVDictionary(null);
            avutil.av_dict_set(opts, "crf", Integer.toString(r.spec().crf()), 0);
            avutil.av_dict_set(opts, "preset", r.spec().preset(), 0);
            avutil.av_dict_set(opts, "profile", r.spec().profile(), 0);
            avutil.av_dict_set(opts, "x264-params", String.format(Locale.ROOT, "keyint=%d:min-keyint=%d:scenecut=0:open-gop=0",
                    gopFrames, gopFrames), 0);
            int ret = avcodec_open2(enc, codec, opts);
            int rejected = avutil.av_dict_count(opts);
            avutil.av_dict_free(opts);
            check(ret, "Opening libx264 for " + r.label());
            if (rejected > 0) {
                throw new IllegalStateException("libx264 ignored " + rejected + " option(s) for " + r.label());
            }
            stream = avformat_new_stream(mux, null);
            check(avcodec_parameters_from_context(stream.codecpar(), enc), "Adding the stream of " + file);
            stream.time_base(enc.time_base());
            AVIOContext pb = new AVIOContext(null);
            check(avio_open(pb, file.toString(), avformat.AVIO_FLAG_WRITE), "Opening " + file);
            mux.pb(pb);
            check(avformat_write_header(mux, (AVDictionary) null), "Writing the header of " + file);
        }

        /** Encodes {@code frame} (null flushes) as frame number {@code slot}. */
        void encode(AVFrame frame, long slot) {
            if (frame != null) {
                frame.pts(slot);
                frame.pict_type(avutil.AV_PICTURE_TYPE_NONE);
                frames++;
            }
            check(avcodec_send_frame(enc, frame), "Encoding " + rendition.label());
            while (true) {
                int ret = avcodec_receive_packet(enc, pkt);
                if (ret == avutil.AVERROR_EAGAIN() || ret == avutil.AVERROR_EOF) {
                    return;
                }
                check(ret, "Encoding " + rendition.label());
                pkt.stream_index(stream.index());
                av_packet_rescale_ts(pkt, enc.time_base(), stream.time_base());
                check(av_interleaved_write_frame(mux, pkt), "Writing " + rendition.label());
            }
        }

        void finish() {
            encode(null, 0);
            check(av_write_trailer(mux), "Finishing " + rendition.label());
        }

        @Override
        public void close() {
            if (mux != null) {
                if (mux.pb() != null && !mux.pb().isNull()) {
                    avio_closep(mux.pb());
                }
                avformat_free_context(mux);
                mux = null;
            }
            if (enc != null) {
                avcodec_free_context(enc);
                enc = null;
            }
            av_packet_free(pkt);
            scale.close();
        }
    }

    /**
     * Encodes {@code source} into every rendition, decoding it once; rendition i goes to {@code files.get(i)}.
     *
     * @return the frames written per rendition (all equal: one per source frame)
     */
    static long encode(Path source, List<Rendition> renditions, List<Path> files, double gopSeconds, int threads) {
        List<Output> outputs = new ArrayList<>();
        AVFrame frame = avutil.av_frame_alloc();
        try (VideoFrames in = VideoFrames.open(source, threads)) {
            for (int i = 0; i < renditions.size(); i++) {
                Rendition r = renditions.get(i);
                if (!r.frameRate().equals(in.frameRate())) {
                    throw new IllegalStateException("The reference encode maps frame k to frame k: " + r.label()
                            + " runs at " + r.frameRate() + " fps, the source at " + in.frameRate());
                }
                // As VideoEncoder.gopFrames.
                int gop = (int) Math.max(1, Math.round(r.frameRate().toDouble() * gopSeconds));
                outputs.add(new Output(r, files.get(i), gop, threads));
            }
            long slot = 0;
            while (in.next(frame)) {
                for (Output o : outputs) {
                    o.encode(o.scale.apply(frame), slot);
                }
                slot++;
            }
            for (Output o : outputs) {
                o.finish();
            }
            return slot;
        } finally {
            outputs.forEach(Output::close);
            avutil.av_frame_free(frame);
        }
    }
}
