package org.mpp.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.Rational;

class RenditionExporterTest {
    private static final int W = 160;
    private static final int H = 90;
    private static final int FPS = 30;
    private static final double ONE_FRAME = 1.0 / FPS;
    /** Segments made like the pipeline makes them: fixed 1 s GOPs, B-frames, a fresh encoder each. */
    private static List<Path> threeSeconds;
    private static Path silentSource;

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    @BeforeAll
    static void encodeSegments() throws Exception {
        Ffmpeg.init();
        threeSeconds = segments(shared, "r", W, H, 30, 30, 30);
        silentSource = source(shared.resolve("silent.mp4"), 0, 0);
    }

    @Test
    void joinsSegmentsIntoOneContinuousFastStartFileWithStereoAudio() throws Exception {
        Path source = source(dir.resolve("src.mp4"), 2, 48000);
        MediaInfo info = Prober.probe(source, Cancellation.none());
        List<Double> progress = new ArrayList<>();

        Output out = export(threeSeconds, source, info, progress::add);

        assertThat(out.topLevelBoxes()).containsSubsequence("moov", "mdat");
        assertThat(out.frameCodes).as("every frame once, in order").isEqualTo(range(90));
        assertThat(out.videoSeconds).isCloseTo(3.0, within(1e-9));
        assertThat(out.videoPacketsAreWellTimed).isTrue();
        assertThat(out.channels).isEqualTo(2);
        assertThat(out.layout).isEqualTo("stereo");
        assertThat(out.sampleRate).isEqualTo(48000);
        assertAudioCoversTheSource(out, info);
        assertThat(out.onsetSeconds).as("the 1 s beep plays with frame 30").isCloseTo(1.0, within(ONE_FRAME));
        assertThat(Math.max(out.videoSeconds, out.audioSeconds)).isCloseTo(info.durationSeconds(), within(2 * ONE_FRAME));
        assertThat(progress).isSorted().last().isEqualTo(1.0);
    }

    @Test
    void renditionsOfOneExportShareOneAudioEncodeWithTheSameResultAsEncodingEachTime() throws Exception {
        Path source = source(dir.resolve("src.mp4"), 2, 48000);
        MediaInfo info = Prober.probe(source, Cancellation.none());
        Path alone = dir.resolve("alone.mp4");
        Path first = dir.resolve("first.mp4");
        Path second = dir.resolve("second.mp4");
        RenditionExporter.export(threeSeconds, source, info, 128, alone, Progress.NONE, Cancellation.none());
        try (SharedAudio audio = new SharedAudio()) {
            RenditionExporter.export(threeSeconds, source, info, 128, first, Progress.NONE, Cancellation.none(), new org.mpp.PhaseTimes(), audio);
            assertThat(audio.has(128)).as("the first export kept its audio").isTrue();
            RenditionExporter.export(threeSeconds, source, info, 128, second, Progress.NONE, Cancellation.none(), new org.mpp.PhaseTimes(), audio);
        }

        Output copied = Output.read(second);
        assertAudioCoversTheSource(copied, info);
        assertThat(copied.onsetSeconds).as("the 1 s beep plays with frame 30").isCloseTo(1.0, within(ONE_FRAME));
        assertThat(Files.readAllBytes(second)).as("copied audio gives the very file a fresh encode gives").isEqualTo(Files.readAllBytes(alone));
        assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(alone));
    }

    @Test
    void aTrackPreparedAheadGivesTheVeryFileAFreshEncodeGives() throws Exception {
        Path stereo = source(dir.resolve("stereo.mp4"), 2, 48000);
        Path late = shift(source(dir.resolve("plain.mp4"), 2, 48000), dir.resolve("late.mp4"), avutil.AVMEDIA_TYPE_AUDIO, 0.5);
        Path early = shift(source(dir.resolve("plain2.mp4"), 2, 48000), dir.resolve("early.mp4"), avutil.AVMEDIA_TYPE_VIDEO, 0.5);
        Path surround = source(dir.resolve("surround.mp4"), 6, 44100);
        for (Path source : List.of(stereo, late, early, surround)) {
            MediaInfo info = Prober.probe(source, Cancellation.none());
            Path alone = dir.resolve("alone-" + source.getFileName());
            RenditionExporter.export(threeSeconds, source, info, 128, alone, Progress.NONE, Cancellation.none());
            Path prepared = dir.resolve("audio-" + source.getFileName() + ".m4a");
            PreparedAudio.write(source, info, 128, prepared, Cancellation.none());
            Path copied = dir.resolve("copied-" + source.getFileName());
            try (SharedAudio audio = new SharedAudio()) {
                assertThat(PreparedAudio.load(prepared, 128, info.durationSeconds(), audio)).isTrue();
                RenditionExporter.export(threeSeconds, source, info, 128, copied, Progress.NONE, Cancellation.none(), new org.mpp.PhaseTimes(), audio);
            }

            assertThat(Files.readAllBytes(copied)).as("%s exported with its prepared track", source.getFileName())
                    .isEqualTo(Files.readAllBytes(alone));
        }
    }

    @Test
    void aPreparedTrackThatIsMissingOrUnreadableIsNotUsed() throws Exception {
        Path source = source(dir.resolve("src.mp4"), 2, 48000);
        MediaInfo info = Prober.probe(source, Cancellation.none());
        Path broken = dir.resolve("audio-128k.m4a");
        Files.write(broken, new byte[] {0, 1, 2, 3});
        try (SharedAudio audio = new SharedAudio()) {
            assertThat(PreparedAudio.load(dir.resolve("none.m4a"), 128, info.durationSeconds(), audio)).isFalse();
            assertThatThrownBy(() -> PreparedAudio.load(broken, 128, info.durationSeconds(), audio)).isInstanceOf(MediaException.class);
            assertThat(audio.shares(128)).as("nothing was claimed").isFalse();
        }
    }

    @Test
    void renditionsExportedAtTheSameTimeCopyTheAudioWhileItIsEncoded() throws Exception {
        Path source = source(dir.resolve("src.mp4"), 2, 48000);
        MediaInfo info = Prober.probe(source, Cancellation.none());
        Path alone = dir.resolve("alone.mp4");
        RenditionExporter.export(threeSeconds, source, info, 128, alone, Progress.NONE, Cancellation.none());
        List<Path> outputs = List.of(dir.resolve("a.mp4"), dir.resolve("b.mp4"), dir.resolve("c.mp4"));
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        try (SharedAudio audio = new SharedAudio()) {
            List<Thread> threads = new ArrayList<>();
            for (Path out : outputs) {
                threads.add(new Thread(() -> {
                    try {
                        RenditionExporter.export(threeSeconds, source, info, 128, out, Progress.NONE, Cancellation.none(),
                                new org.mpp.PhaseTimes(), audio);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(60_000);
                assertThat(t.isAlive()).as("an export still runs after 60 s").isFalse();
            }
            assertThat(audio.has(128)).isTrue();
        }
        assertThat(failures).isEmpty();
        for (Path out : outputs) {
            assertThat(Files.readAllBytes(out)).as("%s equals a fresh encode's file", out.getFileName()).isEqualTo(Files.readAllBytes(alone));
        }
    }

    @Test
    void whenTheExportEncodingTheSharedAudioFailsTheOnesCopyingItFailWithItsReason() throws Exception {
        Path source = source(dir.resolve("src.mp4"), 2, 48000);
        MediaInfo info = Prober.probe(source, Cancellation.none());
        List<Path> broken = List.of(threeSeconds.get(0), dir.resolve("missing.mp4"));
        try (SharedAudio audio = new SharedAudio()) {
            assertThatThrownBy(() -> RenditionExporter.export(broken, source, info, 128, dir.resolve("a.mp4"), Progress.NONE,
                    Cancellation.none(), new org.mpp.PhaseTimes(), audio)).isInstanceOf(MediaException.class);
            Throwable copying = catchThrowable(() -> RenditionExporter.export(threeSeconds, source, info, 128, dir.resolve("b.mp4"),
                    Progress.NONE, Cancellation.none(), new org.mpp.PhaseTimes(), audio));
            // The recorder failed before the reader looked: the reader encodes its own audio and succeeds.
            assertThat(copying).isNull();
        }
        try (SharedAudio audio = new SharedAudio()) {
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            assertThat(audio.claimRecording(128, 3)).isTrue();
            Thread reader = new Thread(() -> {
                try {
                    RenditionExporter.export(threeSeconds, source, info, 128, dir.resolve("c.mp4"), Progress.NONE,
                            Cancellation.none(), new org.mpp.PhaseTimes(), audio);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            reader.start();
            Thread.sleep(300);
            assertThat(reader.isAlive()).as("the reader waits for the recorder").isTrue();
            MediaException cause = new MediaException("Reading the source's audio failed");
            audio.fail(cause);
            reader.join(10_000);
            assertThat(reader.isAlive()).isFalse();
            assertThat(failures).singleElement().satisfies(e -> {
                assertThat(e).hasMessageContaining("Reading the source's audio failed");
                assertThat(e.getCause()).isSameAs(cause);
            });
            assertThat(dir.resolve("c.mp4")).doesNotExist();
        }
    }

    @Test
    void keepsFivePointOneAudio() throws Exception {
        Path source = source(dir.resolve("src.mp4"), 6, 44100);

        MediaInfo info = Prober.probe(source, Cancellation.none());

        Output out = export(threeSeconds, source, info, f -> { });

        assertThat(out.channels).isEqualTo(6);
        assertThat(out.layout).isEqualTo(info.audio().channelLayout()).isEqualTo("5.1");
        assertThat(out.sampleRate).isEqualTo(44100);
        assertAudioCoversTheSource(out, info);
        assertThat(out.onsetSeconds).isCloseTo(1.0, within(ONE_FRAME));
    }

    @Test
    void keepsMonoAudioAndItsSampleRate() throws Exception {
        Path source = source(dir.resolve("src.mp4"), 1, 22050);

        MediaInfo info = Prober.probe(source, Cancellation.none());

        Output out = export(threeSeconds, source, info, f -> { });

        assertThat(out.layout).isEqualTo("mono");
        assertThat(out.sampleRate).isEqualTo(22050);
        assertAudioCoversTheSource(out, info);
    }

    @Test
    void downmixesEightChannelsToFivePointOneAtTheNearestAacRate() throws Exception {
        Path source = source(dir.resolve("src.mkv"), 8, 50000);

        MediaInfo info = Prober.probe(source, Cancellation.none());

        Output out = export(threeSeconds, source, info, f -> { });

        assertThat(out.channels).isEqualTo(6);
        assertThat(out.layout).isEqualTo("5.1");
        assertThat(out.sampleRate).isEqualTo(48000);
        assertAudioCoversTheSource(out, info);
        assertThat(out.onsetSeconds).isCloseTo(1.0, within(ONE_FRAME));
    }

    @Test
    void sourceWithoutAudioGivesAVideoOnlyFile() throws Exception {
        Output out = export(threeSeconds, silentSource, Prober.probe(silentSource, Cancellation.none()), f -> { });

        assertThat(out.streamTypes).containsExactly(avutil.AVMEDIA_TYPE_VIDEO);
        assertThat(out.frameCodes).isEqualTo(range(90));
    }

    @Test
    void audioStartingAfterTheVideoIsPrecededBySilence() throws Exception {
        Path source = shift(source(dir.resolve("plain.mp4"), 2, 48000), dir.resolve("src.mp4"), avutil.AVMEDIA_TYPE_AUDIO, 0.5);
        MediaInfo info = Prober.probe(source, Cancellation.none());
        assertThat(info.audio().startSeconds()).isGreaterThan(0.4);

        Output out = export(threeSeconds, source, info, f -> { });

        assertAudioCoversTheSource(out, info);
        assertThat(out.onsetSeconds).as("the beep keeps its place against the video").isCloseTo(1.5, within(ONE_FRAME));
        assertThat(out.audioSeconds).isCloseTo(info.durationSeconds(), within(2 * ONE_FRAME));
    }

    @Test
    void audioStartingBeforeTheVideoIsTrimmed() throws Exception {
        Path source = shift(source(dir.resolve("plain.mp4"), 2, 48000), dir.resolve("src.mp4"), avutil.AVMEDIA_TYPE_VIDEO, 0.5);
        MediaInfo info = Prober.probe(source, Cancellation.none());
        assertThat(info.video().start().toDouble()).isCloseTo(0.5, within(1e-9));

        Output out = export(threeSeconds, source, info, f -> { });

        assertAudioCoversTheSource(out, info);
        assertThat(out.onsetSeconds).as("the 1 s beep is 0.5 s into the video").isCloseTo(0.5, within(ONE_FRAME));
        assertThat(out.audioSeconds).isCloseTo(2.5, within(1024 / 48000.0));
        assertThat(out.videoSeconds).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void joinsSegmentsWhoseStoredDecodeDelayDiffers() throws Exception {
        // A one-frame segment is stored with dts = pts, the others two frames early.
        List<Path> odd = segments(dir, "odd", W, H, 30, 1, 30, 2);
        Output out = export(odd, silentSource, Prober.probe(silentSource, Cancellation.none()), f -> { });

        assertThat(out.frameCodes).isEqualTo(range(63));
        assertThat(out.videoSeconds).isCloseTo(63.0 / FPS, within(1e-9));
        assertThat(out.videoPacketsAreWellTimed).isTrue();
    }

    @Test
    void segmentOfAnotherSizeIsRejectedByName() throws Exception {
        Path big = segments(dir, "big", 320, 180, 30).get(0);

        assertExportFails(List.of(threeSeconds.get(0), big))
                .hasMessageContaining("Segment 2 of 2 (" + big + ")").hasMessageContaining("320x180");
    }

    @Test
    void missingSegmentIsReportedByName() throws Exception {
        Path missing = dir.resolve("gone.mp4");

        assertExportFails(List.of(threeSeconds.get(0), missing)).hasMessageContaining("Segment 2 of 2 (" + missing + ")");
    }

    @Test
    void unreadableSegmentIsReportedByName() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.mp4"), "not a video");

        assertExportFails(List.of(garbage)).hasMessageContaining("Segment 1 of 1 (" + garbage + ")");
    }

    @Test
    void cancelLeavesNoOutputAndNoTemporaryFile() throws Exception {
        Path source = source(dir.resolve("src.mp4"), 2, 48000);
        Path output = dir.resolve("out").resolve("out.mp4");
        Cancellation cancel = new Cancellation();

        assertThatThrownBy(() -> RenditionExporter.export(threeSeconds, source, Prober.probe(source, Cancellation.none()),
                128, output, f -> cancel.cancel(), cancel)).isInstanceOf(CancelledException.class);
        assertThat(leftovers(output)).isEmpty();
    }

    // ---- fixtures --------------------------------------------------------------------------------------------

    /** Exports {@code segments} with a video-only source, expecting a retryable failure that leaves no file. */
    private AbstractThrowableAssert<?, ? extends Throwable> assertExportFails(List<Path> segments) throws Exception {
        Path output = dir.resolve("out.mp4");
        Throwable thrown = catchThrowable(() -> RenditionExporter.export(segments, silentSource,
                Prober.probe(silentSource, Cancellation.none()), 128, output, Progress.NONE, Cancellation.none()));
        assertThat(leftovers(output)).isEmpty();
        return assertThat(thrown).isInstanceOf(MediaException.class).isNotInstanceOf(BadInputException.class);
    }

    /** Audio runs from the first video frame to where the source's audio ends, within one AAC frame. */
    private static void assertAudioCoversTheSource(Output out, MediaInfo info) {
        double expected = info.audio().startSeconds() + info.audio().durationSeconds() - info.video().start().toDouble();
        double aacFrame = 1024.0 / out.sampleRate;
        assertThat(out.firstVideoSeconds).isEqualTo(0.0);
        assertThat(out.firstAudioSeconds).as("audio starts with the video").isCloseTo(0.0, within(1e-9));
        assertThat(out.audioSeconds).as("audio track duration").isCloseTo(expected, within(aacFrame));
        assertThat((double) out.audioSamples / out.sampleRate).as("decoded audio").isCloseTo(expected, within(aacFrame));
    }

    private Output export(List<Path> segments, Path source, MediaInfo info, Progress progress) throws IOException {
        Path output = dir.resolve("out.mp4");
        RenditionExporter.export(segments, source, info, 128, output, progress, Cancellation.none());
        assertThat(leftovers(output)).containsExactly(output.getFileName().toString());
        return Output.read(output);
    }

    private static List<String> leftovers(Path output) throws IOException {
        if (!Files.isDirectory(output.getParent())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(output.getParent())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("out") || n.startsWith(".out")).toList();
        }
    }

    private static List<Integer> range(int n) {
        return java.util.stream.IntStream.range(0, n).boxed().toList();
    }

    /** Rendition segments as the pipeline encodes them; each frame shows its index over all of them. */
    private static List<Path> segments(Path dir, String name, int w, int h, int... frames) throws Exception {
        List<Path> files = new ArrayList<>();
        int index = 0;
        for (int s = 0; s < frames.length; s++) {
            Path file = dir.resolve(name + "-" + s + ".mp4");
            try (FFmpegFrameRecorder r = recorder(file, w, h, 0, 0)) {
                r.setVideoOption("x264-params", "keyint=30:min-keyint=30:scenecut=0:open-gop=0");
                r.start();
                for (int i = 0; i < frames[s]; i++) {
                    r.record(codedFrame(w, h, index++), avutil.AV_PIX_FMT_GRAY8);
                }
                r.stop();
            }
            files.add(file);
        }
        return files;
    }

    /**
     * A 3 s source at 30 fps; its audio is silent but for a 100 ms beep at 1 s and 2 s. MKV sources carry PCM,
     * so that any rate and channel count fits.
     */
    private static Path source(Path file, int channels, int rate) throws Exception {
        try (FFmpegFrameRecorder r = recorder(file, W, H, channels, rate)) {
            if (file.toString().endsWith(".mkv")) {
                r.setFormat("matroska");
                r.setAudioCodecName("pcm_s16le");
            }
            r.start();
            long written = 0;
            for (int i = 0; i < 3 * FPS; i++) {
                r.record(codedFrame(W, H, i), avutil.AV_PIX_FMT_GRAY8);
                if (channels > 0) {
                    long until = (long) (i + 1) * rate / FPS;
                    float[] samples = new float[(int) (until - written) * channels];
                    for (long n = written; n < until; n++) {
                        double t = (double) n / rate;
                        float v = t % 1.0 < 0.1 && t >= 1 ? (float) (0.5 * Math.sin(2 * Math.PI * 1000 * t)) : 0f;
                        for (int c = 0; c < channels; c++) {
                            samples[(int) (n - written) * channels + c] = v;
                        }
                    }
                    r.recordSamples(rate, channels, FloatBuffer.wrap(samples));
                    written = until;
                }
            }
            r.stop();
        }
        return file;
    }

    private static FFmpegFrameRecorder recorder(Path file, int w, int h, int channels, int rate) {
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toString(), w, h, channels);
        r.setFormat("mp4");
        r.setVideoCodecName("libx264");
        r.setFrameRate(FPS);
        r.setVideoBitrate(0);
        r.setVideoOption("crf", "20");
        r.setVideoOption("preset", "veryfast");
        r.setVideoOption("threads", "1");
        if (channels > 0) {
            r.setAudioCodecName("aac");
            r.setSampleRate(rate);
            r.setAudioBitrate(64000 * Math.min(channels, 2));
        }
        return r;
    }

    /** Frame {@code index} drawn as 8 vertical bars: a white reference, then 7 bits of the index, white = 1. */
    private static Frame codedFrame(int w, int h, int index) {
        Frame f = new Frame(w, h, Frame.DEPTH_UBYTE, 1);
        ByteBuffer b = (ByteBuffer) f.image[0];
        int bar = w / 8;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int k = Math.min(7, x / bar);
                boolean white = k == 0 || ((index >> (7 - k)) & 1) != 0;
                b.put(y * f.imageStride + x, (byte) (white ? 255 : 0));
            }
        }
        return f;
    }

    /** Copies {@code in} to {@code out} with every packet of one media type delayed by {@code seconds}. */
    private static Path shift(Path in, Path out, int mediaType, double seconds) {
        try (Demuxer d = Demuxer.open(in); Muxer m = Muxer.create(out, "mp4")) {
            for (int i = 0; i < d.streamCount(); i++) {
                m.addCopyStream(d.stream(i).codecpar(), d.timeBase(i));
            }
            m.start(Map.of());
            AVPacket pkt = avcodec.av_packet_alloc();
            while (d.read(pkt)) {
                AVStream st = d.stream(pkt.stream_index());
                if (st.codecpar().codec_type() == mediaType) {
                    long delay = Math.round(seconds * st.time_base().den() / st.time_base().num());
                    pkt.pts(pkt.pts() + delay);
                    pkt.dts(pkt.dts() + delay);
                }
                avcodec.av_packet_rescale_ts(pkt, st.time_base(), Ffmpeg.av(m.timeBase(pkt.stream_index())));
                m.write(pkt);
            }
            avcodec.av_packet_free(pkt);
            m.finish();
        }
        return out;
    }

    /** What an exported file holds, read back with FFmpeg. */
    private record Output(Path file, List<Integer> streamTypes, List<Integer> frameCodes, double videoSeconds,
            boolean videoPacketsAreWellTimed, double firstVideoSeconds, int channels, String layout, int sampleRate, long audioSamples,
            double audioSeconds, double firstAudioSeconds, double onsetSeconds) {

        static Output read(Path file) {
            try (Demuxer in = Demuxer.open(file)) {
                List<Integer> types = new ArrayList<>();
                for (int i = 0; i < in.streamCount(); i++) {
                    types.add(in.stream(i).codecpar().codec_type());
                }
                int v = in.bestStream(avutil.AVMEDIA_TYPE_VIDEO);
                int a = in.bestStream(avutil.AVMEDIA_TYPE_AUDIO);
                AVStream vs = in.stream(v);
                double videoSeconds = Rational.time(vs.duration(), in.timeBase(v)).toDouble();
                List<Integer> codes = new ArrayList<>();
                boolean wellTimed = true;
                long lastDts = Long.MIN_VALUE;
                long samples = 0;
                double first = Double.NaN;
                double firstVideo = Double.NaN;
                double onset = Double.NaN;
                AVPacket pkt = avcodec.av_packet_alloc();
                AVFrame frame = avutil.av_frame_alloc();
                try (Decoder vd = Decoder.open(vs, 1, false, "video");
                        Decoder ad = a < 0 ? null : Decoder.open(in.stream(a), 1, false, "audio")) {
                    boolean more = true;
                    while (more) {
                        more = in.read(pkt);
                        int s = more ? pkt.stream_index() : -1;
                        if (s == v) {
                            wellTimed &= pkt.dts() > lastDts && pkt.pts() >= pkt.dts() && pkt.duration() > 0;
                            lastDts = pkt.dts();
                        }
                        if (!more || s == v) {
                            vd.send(more ? pkt : null);
                            while (vd.receive(frame)) {
                                if (codes.isEmpty()) {
                                    firstVideo = Rational.time(frame.best_effort_timestamp(), in.timeBase(v)).toDouble();
                                }
                                codes.add(readCode(frame));
                            }
                        }
                        if (ad != null && (!more || s == a)) {
                            ad.send(more ? pkt : null);
                            while (ad.receive(frame)) {
                                double t = Rational.time(frame.best_effort_timestamp(), in.timeBase(a)).toDouble();
                                first = Double.isNaN(first) ? t : first;
                                FloatPointer ch0 = new FloatPointer(frame.data(0));
                                for (int i = 0; i < frame.nb_samples() && Double.isNaN(onset); i++) {
                                    if (Math.abs(ch0.get(i)) > 0.2) {
                                        onset = t + (double) i / frame.sample_rate();
                                    }
                                }
                                samples += frame.nb_samples();
                            }
                        }
                    }
                } finally {
                    avcodec.av_packet_free(pkt);
                    avutil.av_frame_free(frame);
                }
                if (a < 0) {
                    return new Output(file, types, codes, videoSeconds, wellTimed, firstVideo, 0, null, 0, 0, 0, first, onset);
                }
                var par = in.stream(a).codecpar();
                return new Output(file, types, codes, videoSeconds, wellTimed, firstVideo, par.ch_layout().nb_channels(),
                        AudioTrackEncoder.describe(par.ch_layout()), par.sample_rate(), samples,
                        Rational.time(in.stream(a).duration(), in.timeBase(a)).toDouble(), first, onset);
            }
        }

        private static int readCode(AVFrame f) {
            int bar = f.width() / 8;
            int code = 0;
            for (int k = 1; k < 8; k++) {
                int x = k * bar + bar / 2;
                int luma = f.data(0).get((long) f.height() / 2 * f.linesize(0) + x) & 0xff;
                code = code << 1 | (luma > 128 ? 1 : 0);
            }
            return code;
        }

        /** The types of the file's top-level MP4 boxes, in order. */
        List<String> topLevelBoxes() throws IOException {
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            List<String> types = new ArrayList<>();
            int pos = 0;
            while (pos + 8 <= bytes.length) {
                long size = b.getInt(pos) & 0xffffffffL;
                types.add(new String(bytes, pos + 4, 4, java.nio.charset.StandardCharsets.US_ASCII));
                if (size == 1) {
                    size = b.getLong(pos + 8);
                } else if (size == 0) {
                    size = bytes.length - pos;
                }
                pos += (int) size;
            }
            return types;
        }
    }
}
