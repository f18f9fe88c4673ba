package org.mpp.testmedia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Generates each kind of clip and reads it back with FFmpeg (raw API and FFmpegFrameGrabber). */
class SyntheticMediaTest {
    private static final Map<VideoCodec, String> CODEC_NAMES = Map.of(VideoCodec.H264, "h264", VideoCodec.HEVC,
            "hevc", VideoCodec.MPEG2, "mpeg2video", VideoCodec.VP9, "vp9", VideoCodec.PRORES, "prores",
            VideoCodec.MJPEG, "mjpeg");
    private static final Map<VideoCodec, String> AUDIO_NAMES = Map.of(VideoCodec.VP9, "opus", VideoCodec.MJPEG,
            "pcm_s16le");

    @TempDir
    static Path dir;

    @ParameterizedTest
    @EnumSource(VideoCodec.class)
    void eachCodecInItsDefaultContainer(VideoCodec codec) throws IOException {
        assumeTrue(codec.available(), codec.encoderName() + " not in this build");
        SyntheticMedia.Builder b = SyntheticMedia.builder().codec(codec).seconds(2);
        long t0 = System.nanoTime();
        Path f = b.write(dir.resolve("codec." + codec.defaultExtension()));
        System.out.printf("%s 320x180 2 s: written in %d ms%n", codec, (System.nanoTime() - t0) / 1_000_000);

        MediaProbe.Info info = MediaProbe.probe(f);
        MediaProbe.Stream v = info.video().orElseThrow();
        assertThat(v.codec()).isEqualTo(CODEC_NAMES.get(codec));
        assertThat(v.width()).isEqualTo(320);
        assertThat(v.height()).isEqualTo(180);
        assertThat(v.packets()).hasSize(60);
        assertThat(v.avgFrameRate()).isCloseTo(30, within(0.01));
        assertThat(v.isVariableFrameRate()).isFalse();
        assertThat(v.hasReordering()).isEqualTo(codec.supportsBFrames());
        boolean intraOnly = codec == VideoCodec.PRORES || codec == VideoCodec.MJPEG;
        double first = v.seconds(v.sortedPts()[0]);
        if (intraOnly) {
            assertThat(v.keyframeTimes()).hasSize(60);
        } else {
            // one GOP a second; mpeg2video also makes the very last frame an I-frame when the stream ends
            assertThat(v.keyframeTimes()).map(t -> t - first).startsWith(0.0, 1.0)
                    .allMatch(t -> t == 0.0 || t == 1.0 || codec == VideoCodec.MPEG2 && t > 1.9);
        }
        MediaProbe.Stream a = info.audio().orElseThrow();
        assertThat(a.codec()).isEqualTo(AUDIO_NAMES.getOrDefault(codec, "aac"));
        assertThat(a.channels()).isEqualTo(2);
        assertThat(a.sampleRate()).isEqualTo(48000);

        List<MediaDecoder.VideoFrame> frames = MediaDecoder.decodeVideo(f);
        assertThat(frames).hasSize(60);
        for (MediaDecoder.VideoFrame fr : frames) {
            assertThat(fr.code()).isEqualTo(fr.index());
            assertThat(fr.seconds() - frames.get(0).seconds()).isCloseTo(fr.index() / 30.0, within(0.001));
        }
    }

    @Test
    void h264InMatroskaWithAndWithoutBFrames() throws IOException {
        MediaProbe.Stream withB = MediaProbe.probe(SyntheticMedia.builder().seconds(1)
                .write(dir.resolve("b.mkv"))).video().orElseThrow();
        MediaProbe.Stream noB = MediaProbe.probe(SyntheticMedia.builder().seconds(1).bFrames(false)
                .write(dir.resolve("nob.mkv"))).video().orElseThrow();
        assertThat(withB.codec()).isEqualTo("h264");
        assertThat(withB.hasReordering()).isTrue();
        assertThat(noB.hasReordering()).isFalse();
        assertThat(noB.packets()).hasSize(30);
    }

    @ParameterizedTest
    @CsvSource({"30,1,90", "25,1,75", "30000,1001,90", "60,1,180", "24000,1001,72"})
    void rationalFrameRates(int num, int den, int frames) throws IOException {
        SyntheticMedia.Plan plan = SyntheticMedia.builder().fps(num, den).plan();
        assertThat(plan.frameCount()).isEqualTo(frames);
        Path f = SyntheticMedia.builder().fps(num, den).noAudio().write(dir.resolve("fps" + num + ".mp4"));
        MediaProbe.Stream v = MediaProbe.probe(f).video().orElseThrow();
        assertThat(v.rFrameRate()).isCloseTo((double) num / den, within(1e-6));
        assertThat(v.avgFrameRate()).isCloseTo((double) num / den, within(1e-6));
        assertThat(v.packets()).hasSize(frames);
        assertThat(v.ptsDeltas()).hasSize(1);
        assertThat(v.spanSeconds()).isCloseTo(plan.videoSeconds(), within(1e-6));
        assertThat(v.keyframeTimes()).hasSize(3); // GOP = round(fps) frames
    }

    @ParameterizedTest
    @CsvSource({"mp4", "mkv", "mov"})
    void variableFrameRateKeepsItsTimestamps(String ext) throws IOException {
        SyntheticMedia.Builder b = SyntheticMedia.builder().variableFrameRate(true).seconds(3);
        SyntheticMedia.Plan plan = b.plan();
        Path f = b.write(dir.resolve("vfr." + ext));
        MediaProbe.Stream v = MediaProbe.probe(f).video().orElseThrow();
        assertThat(v.isVariableFrameRate()).isTrue();
        assertThat(v.packets()).hasSize(plan.frameCount());
        // deltas of 1/30, 1/15 and 1/10 s (Matroska rounds to ms)
        assertThat(v.ptsDeltas().stream().map(d -> (int) Math.round(v.seconds(d) * 30)).distinct())
                .containsExactlyInAnyOrder(1, 2, 3);
        List<MediaDecoder.VideoFrame> frames = MediaDecoder.decodeVideo(f);
        assertThat(frames).hasSize(plan.frameCount());
        for (MediaDecoder.VideoFrame fr : frames) {
            assertThat(fr.code()).isEqualTo(fr.index());
            assertThat(fr.seconds()).isCloseTo(plan.frameTime(fr.index()), within(0.001));
        }
        assertThat(plan.flashFrames()).hasSize(2); // the frames containing t = 1 s and t = 2 s
    }

    @ParameterizedTest
    @CsvSource({"H264,321,181,322,182", "H264,180,320,180,320", "HEVC,321,181,322,182", "MPEG2,321,181,321,181",
            "VP9,321,181,321,181", "PRORES,321,181,322,181", "MJPEG,321,181,321,181", "MPEG2,180,320,180,320"})
    void oddAndPortraitSizes(VideoCodec codec, int w, int h, int expectW, int expectH) throws IOException {
        assumeTrue(codec.available());
        Path f = SyntheticMedia.builder().codec(codec).size(w, h).seconds(0.5).noAudio()
                .write(dir.resolve("size" + codec + w + "x" + h + "." + codec.defaultExtension()));
        MediaProbe.Stream v = MediaProbe.probe(f).video().orElseThrow();
        assertThat(new int[] {v.width(), v.height()}).containsExactly(expectW, expectH);
        List<MediaDecoder.VideoFrame> frames = MediaDecoder.decodeVideo(f);
        assertThat(frames).hasSize(15).allSatisfy(fr -> assertThat(fr.code()).isEqualTo(fr.index()));
    }

    @ParameterizedTest
    @CsvSource({"1,mono", "2,stereo", "6,5.1"})
    void audioLayouts(int channels, String layout) throws IOException {
        Path f = SyntheticMedia.builder().audio(channels, 48000).seconds(1)
                .write(dir.resolve("ch" + channels + ".mp4"));
        MediaProbe.Stream a = MediaProbe.probe(f).audio().orElseThrow();
        assertThat(a.codec()).isEqualTo("aac");
        assertThat(a.channels()).isEqualTo(channels);
        assertThat(a.channelLayout()).isEqualTo(layout);
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(f.toFile())) {
            g.start();
            assertThat(g.getAudioChannels()).isEqualTo(channels);
            assertThat(g.getSampleRate()).isEqualTo(48000);
            g.stop();
        }
    }

    @Test
    void noAudioAndAudioOnly() throws IOException {
        MediaProbe.Info silent = MediaProbe.probe(SyntheticMedia.builder().noAudio().seconds(1)
                .write(dir.resolve("silent.mp4")));
        assertThat(silent.audio()).isEmpty();
        assertThat(silent.video()).isPresent();
        MediaProbe.Info audioOnly = MediaProbe.probe(SyntheticMedia.builder().noVideo().seconds(2)
                .write(dir.resolve("audio.m4a")));
        assertThat(audioOnly.video()).isEmpty();
        assertThat(audioOnly.audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(audioOnly.durationSeconds()).isCloseTo(2, within(0.01));
    }

    @Test
    void optionsFFmpegDoesNotKnowAreRejected() {
        assertThatThrownBy(() -> SyntheticMedia.builder().seconds(0.2).muxerOption("movflags_typo", "+faststart")
                .write(dir.resolve("typo.mp4"))).isInstanceOf(IOException.class)
                .hasMessageContaining("did not take option(s): movflags_typo");
    }

    @Test
    void planMarksTheFrameContainingEachWholeSecond() {
        SyntheticMedia.Plan cfr = SyntheticMedia.builder().seconds(4).plan();
        assertThat(cfr.flashFrames()).containsExactly(30, 60, 90);
        SyntheticMedia.Plan ntsc = SyntheticMedia.builder().fps(30000, 1001).seconds(4).plan();
        // frame 29 covers [0.9676, 1.0010): it contains t = 1
        assertThat(ntsc.flashFrames()).containsExactly(29, 59, 89);
        SyntheticMedia.Plan vfr = SyntheticMedia.builder().variableFrameRate(true).seconds(4).plan();
        for (int i : vfr.flashFrames()) {
            double start = vfr.frameTime(i);
            double end = i + 1 < vfr.frameCount() ? vfr.frameTime(i + 1) : vfr.videoSeconds();
            assertThat(Math.floor(end - 1e-9)).isGreaterThanOrEqualTo(Math.ceil(start));
        }
        assertThat(vfr.flashFrames()).hasSize(3);
    }
}
