package org.mpp.media;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_time_base;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_set_frame_size;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_link;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.mpp.Rational;

/**
 * Decodes a source's audio track once and encodes it to AAC on a timeline that starts at the source's first
 * video frame: audio that starts later is preceded by silence, audio that starts earlier is trimmed.
 * Pull-style: {@link #next} yields one encoded packet at a time, so the caller can interleave it with video.
 * Channel count and layout are kept (more than 6 channels become 5.1); the sample rate is kept when AAC
 * supports it, else the nearest rate it supports. Not thread-safe; close it on the thread that opened it.
 */
final class AudioTrackEncoder implements AutoCloseable {
    private static final int[] AAC_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};
    private static final int MAX_CHANNELS = 6;

    private final String what;
    private final Demuxer in;
    private final int stream;
    private final Rational videoStart;
    private Decoder decoder;
    private AVCodecContext encoder;
    private AVFilterGraph graph;
    private AVFilterContext src;
    private AVFilterContext sink;
    private final AVPacket input = avcodec.av_packet_alloc();
    private final AVFrame decoded = avutil.av_frame_alloc();
    private final AVFrame filtered = avutil.av_frame_alloc();
    private boolean decoderFlushed;
    private boolean graphFlushed;
    private boolean closed;

    private AudioTrackEncoder(String what, Demuxer in, int stream, Rational videoStart) {
        this.what = what;
        this.in = in;
        this.stream = stream;
        this.videoStart = videoStart;
    }

    /**
     * Opens the audio track {@code info.audio()} of {@code source} and an AAC encoder for it.
     *
     * @param globalHeader true when the muxer wants codec headers out of band ({@link Muxer#wantsGlobalHeader()})
     * @throws BadInputException when the source or its audio track cannot be read
     * @throws MediaException when the encoder cannot be set up
     */
    static AudioTrackEncoder open(Path source, MediaInfo info, int bitrateKbps, boolean globalHeader) {
        int index = info.audio().streamIndex();
        Demuxer in = Demuxer.open(source);
        AudioTrackEncoder t = new AudioTrackEncoder("Audio of " + source, in, index, info.video().start());
        try {
            if (index < 0 || index >= in.streamCount() || in.stream(index).codecpar().codec_type() != avutil.AVMEDIA_TYPE_AUDIO) {
                throw new BadInputException(source + ": stream " + index + " is not an audio stream");
            }
            t.decoder = Decoder.open(in.stream(index), 1, false, t.what);
            t.openEncoder(bitrateKbps, globalHeader);
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private void openEncoder(int bitrateKbps, boolean globalHeader) {
        AVCodec aac = avcodec_find_encoder_by_name("aac");
        if (aac == null) {
            throw new MediaException("This FFmpeg build has no native aac encoder");
        }
        AVCodecContext dec = decoder.context();
        AVChannelLayout layout = new AVChannelLayout();
        outputLayout(dec.ch_layout(), layout);
        int ret = tryOpen(aac, layout, nearestAacRate(dec.sample_rate()), bitrateKbps, globalHeader);
        if (ret < 0) {
            // Unusual layouts (custom orders, DL+DR "downmix") that AAC cannot signal: the usual one for the count.
            int channels = layout.nb_channels();
            avcodec_free_context(encoder);
            avutil.av_channel_layout_uninit(layout);
            avutil.av_channel_layout_default(layout, channels);
            ret = tryOpen(aac, layout, nearestAacRate(dec.sample_rate()), bitrateKbps, globalHeader);
        }
        avutil.av_channel_layout_uninit(layout);
        Ffmpeg.check(ret, what + ": opening the AAC encoder (" + describe(encoder.ch_layout()) + ", "
                + encoder.sample_rate() + " Hz, " + bitrateKbps + " kb/s)");
    }

    private int tryOpen(AVCodec aac, AVChannelLayout layout, int rate, int bitrateKbps, boolean globalHeader) {
        encoder = avcodec_alloc_context3(aac);
        encoder.sample_fmt(avutil.AV_SAMPLE_FMT_FLTP);
        encoder.sample_rate(rate);
        encoder.time_base(avutil.av_make_q(1, rate));
        encoder.bit_rate(bitrateKbps * 1000L);
        Ffmpeg.check(avutil.av_channel_layout_copy(encoder.ch_layout(), layout), what + ": setting the channel layout");
        if (globalHeader) {
            encoder.flags(encoder.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        return avcodec_open2(encoder, aac, (AVDictionary) null);
    }

    /** The opened encoder, for {@link Muxer#addStream}. */
    AVCodecContext encoder() {
        return encoder;
    }

    /** Time base of the packets {@link #next} returns. */
    Rational timeBase() {
        return Ffmpeg.rational(encoder.time_base());
    }

    /**
     * Puts the next encoded packet into {@code pkt}, timestamps in {@link #timeBase()} with 0 at the first video
     * frame (the first packets are negative: AAC's priming samples, which MP4 hides with an edit list).
     *
     * @return false when the track is fully encoded, encoder flushed
     */
    boolean next(AVPacket pkt) {
        for (;;) {
            int ret = avcodec_receive_packet(encoder, pkt);
            if (ret >= 0) {
                return true;
            }
            if (Ffmpeg.isEof(ret)) {
                return false;
            }
            if (!Ffmpeg.isAgain(ret)) {
                Ffmpeg.check(ret, what + ": AAC encoding");
            }
            feedEncoder();
        }
    }

    /** Sends one filtered frame to the encoder, or the end of the stream. */
    private void feedEncoder() {
        for (;;) {
            if (sink != null) {
                int ret = av_buffersink_get_frame(sink, filtered);
                if (ret >= 0) {
                    filtered.pts(avutil.av_rescale_q(filtered.pts(), av_buffersink_get_time_base(sink), encoder.time_base()));
                    ret = avcodec_send_frame(encoder, filtered);
                    avutil.av_frame_unref(filtered);
                    Ffmpeg.check(ret, what + ": AAC encoding");
                    return;
                }
                if (Ffmpeg.isEof(ret)) {
                    Ffmpeg.check(avcodec_send_frame(encoder, null), what + ": flushing the AAC encoder");
                    return;
                }
                if (!Ffmpeg.isAgain(ret)) {
                    Ffmpeg.check(ret, what + ": audio filtering");
                }
            } else if (graphFlushed) {
                // The track decoded to nothing: no graph was built, so there is nothing to encode.
                Ffmpeg.check(avcodec_send_frame(encoder, null), what + ": flushing the AAC encoder");
                return;
            }
            feedGraph();
        }
    }

    /** Pushes one decoded frame into the filter graph (building it on the first), or the end of the stream. */
    private void feedGraph() {
        for (;;) {
            if (decoder.receive(decoded)) {
                if (graph == null) {
                    buildGraph(decoded);
                }
                long pts = decoded.best_effort_timestamp();
                if (pts != avutil.AV_NOPTS_VALUE) {
                    // In samples of the input rate, 0 at the first video frame: aresample pads or trims up to it.
                    Rational t = Rational.time(pts, in.timeBase(stream)).minus(videoStart);
                    decoded.pts(t.times(Rational.of(decoded.sample_rate())).round());
                }
                Ffmpeg.check(av_buffersrc_add_frame(src, decoded), what + ": audio filtering");
                avutil.av_frame_unref(decoded);
                return;
            }
            if (decoderFlushed) {
                if (graphFlushed) {
                    throw new MediaException(what + ": the audio filters returned nothing after the end of the stream");
                }
                if (graph != null) {
                    Ffmpeg.check(av_buffersrc_add_frame(src, null), what + ": flushing the audio filters");
                }
                graphFlushed = true;
                return;
            }
            if (in.read(input)) {
                if (input.stream_index() == stream) {
                    // A corrupt packet is concealed: aresample fills the gap it leaves with silence.
                    decoder.send(input);
                }
            } else {
                decoder.send(null);
                decoderFlushed = true;
            }
        }
    }

    private void buildGraph(AVFrame first) {
        graph = avfilter_graph_alloc();
        graph.nb_threads(1);
        int rate = first.sample_rate();
        String srcArgs = "time_base=1/" + rate + ":sample_rate=" + rate + ":sample_fmt="
                + avutil.av_get_sample_fmt_name(first.format()).getString() + ":channel_layout=" + describe(first.ch_layout());
        String format = "sample_fmts=fltp:sample_rates=" + encoder.sample_rate() + ":channel_layouts=" + describe(encoder.ch_layout());
        src = new AVFilterContext();
        sink = new AVFilterContext();
        AVFilterContext resample = new AVFilterContext();
        AVFilterContext aformat = new AVFilterContext();
        create(src, "abuffer", "in", srcArgs);
        // async=1 fills gaps and trims overlaps by timestamps; first_pts=0 pads or trims the start to time 0.
        create(resample, "aresample", "sync", "async=1:first_pts=0");
        create(aformat, "aformat", "format", format);
        create(sink, "abuffersink", "out", null);
        link(src, resample);
        link(resample, aformat);
        link(aformat, sink);
        Ffmpeg.check(avfilter_graph_config(graph, null), what + ": configuring the audio filters (" + srcArgs + " -> " + format + ")");
        av_buffersink_set_frame_size(sink, encoder.frame_size());
    }

    private void create(AVFilterContext ctx, String filter, String name, String args) {
        Ffmpeg.check(avfilter_graph_create_filter(ctx, avfilter_get_by_name(filter), name, args, null, graph),
                what + ": creating the " + filter + " filter (" + args + ")");
    }

    private void link(AVFilterContext from, AVFilterContext to) {
        Ffmpeg.check(avfilter_link(from, 0, to, 0), what + ": linking the audio filters");
    }

    static int nearestAacRate(int rate) {
        int best = AAC_RATES[0];
        for (int r : AAC_RATES) {
            if (Math.abs(r - rate) < Math.abs(best - rate)) {
                best = r;
            }
        }
        return best;
    }

    /** The layout to encode: the source's, 5.1 beyond six channels, the default order when the source has none. */
    static void outputLayout(AVChannelLayout source, AVChannelLayout out) {
        int channels = source.nb_channels();
        if (channels > MAX_CHANNELS) {
            avutil.av_channel_layout_default(out, MAX_CHANNELS);
        } else if (source.order() == avutil.AV_CHANNEL_ORDER_UNSPEC || channels == 0) {
            avutil.av_channel_layout_default(out, Math.max(1, channels));
        } else {
            Ffmpeg.check(avutil.av_channel_layout_copy(out, source), "Copying a channel layout");
        }
    }

    /** FFmpeg's name of a layout ("stereo", "5.1(side)"), which filters accept as an option value. */
    static String describe(AVChannelLayout layout) {
        try (BytePointer buf = new BytePointer(256)) {
            if (avutil.av_channel_layout_describe(layout, buf, 256) < 0) {
                return layout.nb_channels() + " channels";
            }
            return Ffmpeg.cString(buf);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (graph != null) {
            avfilter_graph_free(graph);
            graph = null;
        }
        if (encoder != null) {
            avcodec_free_context(encoder);
            encoder = null;
        }
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        avcodec.av_packet_free(input);
        avutil.av_frame_free(decoded);
        avutil.av_frame_free(filtered);
        in.close();
    }
}
