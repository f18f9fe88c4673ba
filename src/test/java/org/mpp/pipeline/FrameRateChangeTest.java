package org.mpp.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.config.Settings;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;
import org.mpp.testmedia.MediaDecoder;
import org.mpp.testmedia.MediaProbe;
import org.mpp.testmedia.PacketCopy;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Sources whose frame timing a conforming decoder accepts but a frame count by timestamps did not (issue 11 §1): a
 * frame rate that changes mid-file, two frames at one time, timestamps that go back at a join, an edit list that
 * starts after the first frame. Each must be transcoded, its frames placed on the output grid or dropped.
 */
class FrameRateChangeTest {
    @TempDir
    Path dir;

    /**
     * Issue 11 §1's source: 720p H.264 MPEG-TS, 4 s at 30 fps then a part at 15 fps whose clock starts {@code
     * secondPartStart} seconds in (4 s: it continues the first), joined with the concat protocol and remuxed to MP4
     * with AAC audio as the ffmpeg CLI does.
     */
    private Path joinedClips(int secondPartTicksAt15) throws IOException {
        Path a = SyntheticMedia.builder().size(1280, 720).fps(30).seconds(4).write(dir.resolve("a.ts"));
        Path b = SyntheticMedia.builder().size(1280, 720).fps(15).seconds(4).startTicks(secondPartTicksAt15)
                .write(dir.resolve("b.ts"));
        Path joined = dir.resolve("joined.mp4");
        PacketCopy.concatProtocol(List.of(a, b), joined);
        return joined;
    }

    private LocalTranscoder.Result transcode(Path source, double segmentSeconds) {
        MediaEngine media = new MediaEngine(new Settings.Media(segmentSeconds, 2.0, 0, 0));
        LocalTranscoder transcoder = new LocalTranscoder(media, LocalTranscoderTest.LADDER, dir.resolve("work"), true);
        return transcoder.transcode(source, dir.resolve("out"), (step, f) -> { }, Cancellation.none());
    }

    /** Every rendition lasts as long as the source's video, has one frame per slot and shows the first part, then the second. */
    private static void assertWholeTimeline(LocalTranscoder.Result result, double secondPartAt) throws IOException {
        double seconds = result.info().video().duration().toDouble();
        assertThat(result.outputs()).hasSize(3);
        for (Path out : result.outputs()) {
            MediaProbe.Info probed = MediaProbe.probe(out);
            MediaProbe.Stream v = probed.video().orElseThrow();
            double fps = v.rFrameRate();
            assertThat(v.packets()).as("frames of %s", out).hasSize((int) Math.round(seconds * fps));
            assertThat(probed.audio()).as("audio of %s", out).isPresent();
            List<MediaDecoder.VideoFrame> frames = MediaDecoder.decodeVideo(out);
            // 2 s in: the first part's frame 60 (within the rendition's slot); 6 s in: the second part's frame at 6 s.
            assertThat(frames.get((int) Math.round(2 * fps)).code()).as("frame at 2 s of %s", out).isCloseTo(60, within(2));
            assertThat(frames.get((int) Math.round(6 * fps)).code()).as("frame at 6 s of %s", out)
                    .isCloseTo((int) Math.round((6 - secondPartAt) * 15), within(1));
        }
    }

    @ParameterizedTest(name = "segments of {0} s")
    @ValueSource(doubles = {1.0, 10.0})
    void frameRateChangeMidFileWithTwoFramesAtOneTimeIsTranscoded(double segmentSeconds) throws IOException {
        Path source = joinedClips(60);
        long[] pts = MediaProbe.probe(source).video().orElseThrow().sortedPts();
        assertThat(java.util.stream.IntStream.range(1, pts.length).anyMatch(i -> pts[i] == pts[i - 1]))
                .as("the join leaves two frames at one time").isTrue();

        LocalTranscoder.Result result = transcode(source, segmentSeconds);

        assertThat(result.info().video().frameCount()).isEqualTo(180);
        assertWholeTimeline(result, 4 - 1 / 15.0);
    }

    @Test
    void overlappingJoinWhoseTimestampsGoBackIsTranscoded() throws IOException {
        // The second part's clock starts at 3.4 s, inside the first part: at the join presentation times go back.
        Path source = joinedClips(51);

        LocalTranscoder.Result result = transcode(source, 1.0);

        assertThat(result.outputs()).allSatisfy(p -> assertThat(p).isRegularFile());
    }

    @Test
    void editListThatStartsAfterTheFirstFramesIsTranscoded() throws IOException {
        // Frames at -0.1 s, -0.067 s and -0.033 s: the MP4 muxer writes an edit list that starts at 0, and the demuxer
        // marks those packets to be decoded (references) but not shown; the decoder drops their frames.
        Path source = SyntheticMedia.builder().seconds(3).startTicks(-3).write(dir.resolve("edit.mp4"));
        assertThat(MediaProbe.probe(source).video().orElseThrow().packets()).hasSize(90);

        LocalTranscoder.Result result = transcode(source, 1.0);

        assertThat(result.info().video().frameCount()).isEqualTo(87);
        assertThat(result.info().video().start().toDouble()).isZero();
        for (Path out : result.outputs()) {
            List<MediaDecoder.VideoFrame> frames = MediaDecoder.decodeVideo(out);
            double fps = MediaProbe.probe(out).video().orElseThrow().rFrameRate();
            assertThat(frames).as("frames of %s", out).hasSize((int) Math.round(2.9 * fps));
            assertThat(frames.get(0).code()).as("the edit list's first frame opens %s", out).isEqualTo(3);
        }
    }
}
