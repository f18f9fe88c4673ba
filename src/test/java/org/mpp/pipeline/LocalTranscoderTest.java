package org.mpp.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.config.Settings;
import org.mpp.ladder.OutputSpec;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;
import org.mpp.testmedia.SyntheticMedia;
import org.mpp.testmedia.VideoCodec;

/** The whole pipeline on real synthetic sources of every kind a platform receives. */
class LocalTranscoderTest {
    static final List<OutputSpec> LADDER = List.of(
            new OutputSpec(320, 180, 23, "superfast", "main", 60, 128),
            new OutputSpec(192, 108, 23, "superfast", "baseline", 30, 96),
            new OutputSpec(128, 72, 26, "veryfast", "high", 15, 64));
    static final Settings.Media MEDIA = new Settings.Media(1.0, 2.0, 0, 0);

    @TempDir
    Path dir;
    MediaEngine media;
    LocalTranscoder transcoder;

    @BeforeEach
    void setUp() {
        media = new MediaEngine(MEDIA);
        transcoder = new LocalTranscoder(media, LADDER, dir.resolve("work"), true);
    }

    /** Transcodes the source and checks every rendition, keyframe alignment and that the work folders are gone. */
    private List<MediaInfo> transcodeAndCheck(SyntheticMedia.Builder builder, String name) throws IOException {
        SyntheticMedia.Plan plan = builder.plan();
        Path source = builder.write(dir.resolve(name));
        MediaInfo sourceInfo = media.probe(source, Cancellation.none());
        List<Rendition> expected = RenditionPlanner.plan(LocalTranscoder.stem(source), sourceInfo.video().displayWidth(),
                sourceInfo.video().displayHeight(), sourceInfo.video().nominalFrameRate(), LADDER);

        LocalTranscoder.Result result = transcoder.transcode(source, dir.resolve("out"), (step, f) -> { }, Cancellation.none());

        assertThat(result.outputs()).extracting(p -> p.getFileName().toString())
                .containsExactlyElementsOf(expected.stream().map(Rendition::fileName).toList());
        List<MediaInfo> infos = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            infos.add(RenditionAssertions.assertRendition(media, result.outputs().get(i), expected.get(i), plan));
        }
        RenditionAssertions.assertAlignedKeyframes(infos);
        assertThat(leftovers(dir.resolve("work"))).isEmpty();
        return infos;
    }

    static List<Path> leftovers(Path work) throws IOException {
        if (!Files.exists(work)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(work)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void h264WithBFramesGetsTheWholeLadder() throws IOException {
        List<MediaInfo> out = transcodeAndCheck(SyntheticMedia.builder().codec(VideoCodec.H264).bFrames(true).seconds(3), "talk.mp4");

        assertThat(out).extracting(i -> i.video().width() + "x" + i.video().height() + "@" + i.video().nominalFrameRate())
                .containsExactly("320x180@30", "192x108@30", "128x72@15");
    }

    @Test
    void mpeg2InTransportStreamWithOpenGopsKeepsEveryFrame() throws IOException {
        transcodeAndCheck(SyntheticMedia.builder().codec(VideoCodec.MPEG2).seconds(3), "broadcast.ts");
    }

    @Test
    void proresInMovIsTranscodedTo8BitYuv420() throws IOException {
        assumeTrue(VideoCodec.PRORES.available(), "no ProRes encoder in this FFmpeg build");
        transcodeAndCheck(SyntheticMedia.builder().codec(VideoCodec.PRORES).seconds(2), "master.mov");
    }

    @Test
    void mjpegIsCutAnywhereAndTranscoded() throws IOException {
        transcodeAndCheck(SyntheticMedia.builder().codec(VideoCodec.MJPEG).seconds(2), "camera.avi");
    }

    @Test
    void vp9InWebm() throws IOException {
        assumeTrue(VideoCodec.VP9.available(), "no VP9 encoder in this FFmpeg build");
        transcodeAndCheck(SyntheticMedia.builder().codec(VideoCodec.VP9).seconds(2), "web.webm");
    }

    @Test
    void hevc() throws IOException {
        assumeTrue(VideoCodec.HEVC.available(), "no HEVC encoder in this FFmpeg build");
        transcodeAndCheck(SyntheticMedia.builder().codec(VideoCodec.HEVC).seconds(2), "phone.mp4");
    }

    @Test
    void variableFrameRateSourceKeepsItsTimeline() throws IOException {
        transcodeAndCheck(SyntheticMedia.builder().variableFrameRate(true).seconds(4), "screen.mp4");
    }

    @Test
    void sixtyFramesPerSecondIsCappedPerRendition() throws IOException {
        List<MediaInfo> out = transcodeAndCheck(SyntheticMedia.builder().fps(60).seconds(2), "game.mp4");

        assertThat(out).extracting(i -> i.video().nominalFrameRate().toString()).containsExactly("60", "30", "15");
    }

    @Test
    void ntscRateKeepsItsExactFraction() throws IOException {
        List<MediaInfo> out = transcodeAndCheck(SyntheticMedia.builder().fps(30000, 1001).seconds(2), "tv.mp4");

        assertThat(out.get(0).video().nominalFrameRate().toString()).isEqualTo("30000/1001");
    }

    @Test
    void phoneVideoRotatedByItsMatrixComesOutUpright() throws IOException {
        List<MediaInfo> out = transcodeAndCheck(SyntheticMedia.builder().size(320, 180).displayRotation(-90).seconds(2), "phone.mp4");

        assertThat(out.get(0).video().width()).isLessThan(out.get(0).video().height());
    }

    @Test
    void upsideDownAndCounterClockwiseRotationsAreUndone() throws IOException {
        transcodeAndCheck(SyntheticMedia.builder().displayRotation(180).seconds(2), "flipped.mp4");
        transcodeAndCheck(SyntheticMedia.builder().displayRotation(90).seconds(2), "ccw.mp4");
    }

    @Test
    void oddSizedSourceGetsEvenRenditions() throws IOException {
        transcodeAndCheck(SyntheticMedia.builder().codec(VideoCodec.MJPEG).size(321, 181).seconds(2), "odd.avi");
    }

    @Test
    void portraitSourceFitsInsideEachBox() throws IOException {
        List<MediaInfo> out = transcodeAndCheck(SyntheticMedia.builder().size(180, 320).seconds(2), "portrait.mp4");

        assertThat(out.get(0).video().height()).isEqualTo(180);
    }

    @Test
    void tinySourceIsEncodedOnceAtItsOwnSizeUnderTheSmallestOutput() throws IOException {
        List<MediaInfo> out = transcodeAndCheck(SyntheticMedia.builder().size(96, 54).seconds(1), "tiny.mp4");

        assertThat(out).singleElement().satisfies(i -> {
            assertThat(i.video().width()).isEqualTo(96);
            assertThat(i.video().nominalFrameRate().toString()).isEqualTo("15");
            assertThat(i.file()).endsWith("tiny72p15.mp4");
        });
    }

    @Test
    void silentSourceGivesVideoOnlyFiles() throws IOException {
        transcodeAndCheck(SyntheticMedia.builder().noAudio().seconds(2), "silent.mp4");
    }

    @Test
    void surroundSoundKeepsItsSixChannels() throws IOException {
        List<MediaInfo> out = transcodeAndCheck(SyntheticMedia.builder().audio(6, 48000).seconds(2), "movie.mp4");

        assertThat(out.get(0).audio().channelLayout()).isEqualTo("5.1");
    }

    @Test
    void cancellingMidTranscodeLeavesNoFileBehind() throws IOException {
        Path source = SyntheticMedia.builder().seconds(3).write(dir.resolve("long.mp4"));
        Cancellation cancel = new Cancellation();

        assertThatThrownBy(() -> transcoder.transcode(source, dir.resolve("out"), (step, f) -> {
            if (step == LocalTranscoder.Step.TRANSCODE && f > 0.3) {
                cancel.cancel();
            }
        }, cancel)).isInstanceOf(org.mpp.media.CancelledException.class);

        assertThat(leftovers(dir.resolve("out"))).isEmpty();
        assertThat(leftovers(dir.resolve("work"))).isEmpty();
        assertThat(source).exists();
    }

    @Test
    void progressOnlyGoesUpAndEndsComplete() throws IOException {
        Path source = SyntheticMedia.builder().seconds(2).write(dir.resolve("p.mp4"));
        List<Double> seen = new ArrayList<>();

        transcoder.transcode(source, dir.resolve("out"), (step, f) -> seen.add(f), Cancellation.none());

        assertThat(seen).isSorted();
        assertThat(seen.get(seen.size() - 1)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
    }
}
