package org.mpp.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.Rational;
import org.mpp.testmedia.SyntheticMedia;
import org.mpp.testmedia.VideoCodec;

class ProbeAndSegmentTest {
    @TempDir
    Path dir;

    @Test
    void probeReadsStreamsTimingRotationAndKeyframes() throws IOException {
        Path f = SyntheticMedia.builder().size(320, 180).fps(25).seconds(4).gop(25).audio(6, 44100).displayRotation(-90).write(dir.resolve("a.mp4"));

        MediaInfo info = Prober.probe(f, Cancellation.none());

        assertThat(info.container()).contains("mp4");
        assertThat(info.durationSeconds()).isCloseTo(4.0, within(0.05));
        assertThat(info.video().codec()).isEqualTo("h264");
        assertThat(info.video().width()).isEqualTo(320);
        assertThat(info.video().pixelFormat()).isEqualTo("yuv420p");
        assertThat(info.video().nominalFrameRate()).isEqualTo(Rational.of(25));
        assertThat(info.video().variableFrameRate()).isFalse();
        assertThat(info.video().rotation()).isEqualTo(90);
        assertThat(info.video().displayWidth()).isEqualTo(180);
        assertThat(info.video().frameCount()).isEqualTo(100);
        assertThat(info.keyframeTimes()).containsExactly(0.0, 1.0, 2.0, 3.0);
        assertThat(info.audio().channels()).isEqualTo(6);
        assertThat(info.audio().channelLayout()).isEqualTo("5.1");
        assertThat(info.audio().sampleRate()).isEqualTo(44100);
    }

    @Test
    void theWarmUpOfProbesJsonRunsWithoutFailing() {
        // MediaEngine.preload runs it and keeps quiet when it fails: a broken warm-up would only waste start-up time.
        MediaInfo.warmUpJson();
    }

    @Test
    void mediaInfoSurvivesAJsonRoundTrip() throws IOException {
        MediaInfo info = Prober.probe(SyntheticMedia.builder().fps(30000, 1001).seconds(1).write(dir.resolve("b.mp4")), Cancellation.none());

        MediaInfo back = MediaInfo.fromJson(info.toJson());

        assertThat(back).isEqualTo(info);
        assertThat(info.toJson()).contains("\"nominalFrameRate\" : \"30000/1001\"");
    }

    @Test
    void variableFrameRateIsDetected() throws IOException {
        MediaInfo info = Prober.probe(SyntheticMedia.builder().variableFrameRate(true).seconds(3).write(dir.resolve("v.mp4")), Cancellation.none());

        assertThat(info.video().variableFrameRate()).isTrue();
        assertThat(info.video().nominalFrameRate()).isEqualTo(Rational.of(30));
        assertThat(info.video().averageFrameRate().toDouble()).isLessThan(30);
    }

    @Test
    void segmentsPartitionEveryFrameAndCutNearTheTarget() throws IOException {
        Path f = SyntheticMedia.builder().seconds(6).gop(15).write(dir.resolve("c.mp4"));
        MediaInfo info = Prober.probe(f, Cancellation.none());

        List<Segment> segments = Segmenter.split(f, info, dir.resolve("seg"), 2.0, 0, Progress.NONE, Cancellation.none());

        assertThat(segments).extracting(s -> s.from().toDouble()).containsExactly(0.0, 2.0, 4.0);
        assertThat(segments.get(2).to()).isEqualTo(info.video().end());
        assertThat(segments.stream().mapToLong(Segment::frames).sum()).isEqualTo(info.video().frameCount());
        for (int i = 1; i < segments.size(); i++) {
            assertThat(segments.get(i).from()).isEqualTo(segments.get(i - 1).to());
        }
        assertThat(segments).allSatisfy(s -> assertThat(dir.resolve("seg").resolve(s.file())).isRegularFile());
    }

    @Test
    void cutsFollowAGridOfTheTargetSoSegmentsAverageItBetweenKeyframes() throws IOException {
        // Keyframes every 0.5 s (30 fps, GOP 15), a target of 1.25 s: each cut at the first keyframe at or after k x 1.25.
        // Measuring each segment from the cut before it instead rounded every one up to 1.5 s.
        Path f = SyntheticMedia.builder().seconds(7.5).gop(15).write(dir.resolve("g.mp4"));
        MediaInfo info = Prober.probe(f, Cancellation.none());

        List<Segment> segments = Segmenter.split(f, info, dir.resolve("seg"), 1.25, 0, Progress.NONE, Cancellation.none());

        assertThat(segments).extracting(s -> s.from().toDouble()).containsExactly(0.0, 1.5, 2.5, 4.0, 5.0, 6.5);
        assertThat(segments.stream().mapToLong(Segment::frames).sum()).isEqualTo(info.video().frameCount());
    }

    @Test
    void aShortTailJoinsThePreviousSegment() throws IOException {
        Path f = SyntheticMedia.builder().seconds(4.5).gop(15).write(dir.resolve("d.mp4"));
        MediaInfo info = Prober.probe(f, Cancellation.none());

        List<Segment> segments = Segmenter.split(f, info, dir.resolve("seg"), 2.0, 0, Progress.NONE, Cancellation.none());

        assertThat(segments).extracting(s -> s.to().toDouble() - s.from().toDouble()).containsExactly(2.0, 2.5);
    }

    @Test
    void openGopCutsCarryALeadInGopAndStillOwnEveryFrame() throws IOException {
        Path f = SyntheticMedia.builder().codec(VideoCodec.MPEG2).seconds(4).write(dir.resolve("e.ts"));
        MediaInfo info = Prober.probe(f, Cancellation.none());

        List<Segment> segments = Segmenter.split(f, info, dir.resolve("seg"), 1.0, 0, Progress.NONE, Cancellation.none());

        assertThat(segments).hasSizeGreaterThan(2);
        assertThat(segments.subList(1, segments.size())).allSatisfy(s -> assertThat(s.firstPacket()).isLessThan(s.from()));
        assertThat(segments.stream().mapToLong(Segment::frames).sum()).isEqualTo(info.video().frameCount());
    }

    @Test
    void cancellingASplitLeavesNoSegmentFile() throws IOException {
        Path f = SyntheticMedia.builder().seconds(4).gop(15).write(dir.resolve("g.mp4"));
        MediaInfo info = Prober.probe(f, Cancellation.none());
        Cancellation cancel = new Cancellation();
        cancel.cancel();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Segmenter.split(f, info, dir.resolve("seg"), 1.0, 0, Progress.NONE, cancel))
                .isInstanceOf(CancelledException.class);
        try (var files = Files.list(dir.resolve("seg"))) {
            assertThat(files.toList()).isEmpty();
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing was created at all
        }
    }
}
