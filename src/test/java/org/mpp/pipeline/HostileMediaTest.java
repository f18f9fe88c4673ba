package org.mpp.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.config.Settings;
import org.mpp.media.BadInputException;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.testmedia.PacketCopy;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Issue 11 §6: sources that would make a node do unbounded work are refused as bad input, naming the limit, before the
 * work: too long, frames far apart (each gap is filled by repeating a frame), too many segments, a long gap in the
 * audio (filled with silence), a picture that grows beyond {@code max-pixels} mid-file.
 */
class HostileMediaTest {
    @TempDir
    Path dir;

    private static Settings.Limits limits(double seconds, int segments, double frameGap, double audioGap, long pixels) {
        return new Settings.Limits(seconds, segments, frameGap, audioGap, pixels);
    }

    private static final Settings.Limits DEFAULTS = Settings.Limits.reference();

    private String refusal(Path source, Settings.Limits limits) throws IOException {
        MediaEngine media = new MediaEngine(new Settings.Media(1.0, 2.0, 0, 0, limits));
        LocalTranscoder transcoder = new LocalTranscoder(media, LocalTranscoderTest.LADDER, dir.resolve("work"), true);
        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> transcoder.transcode(source, dir.resolve("out"), (step, f) -> { }, Cancellation.none()));
        assertThat(e).as("refusal of %s", source).isNotNull();
        assertThat(LocalTranscoderTest.leftovers(dir.resolve("out"))).isEmpty();
        assertThat(LocalTranscoderTest.leftovers(dir.resolve("work"))).isEmpty();
        return e.getMessage();
    }

    @Test
    void aSourceLongerThanTheLimitIsRefused() throws IOException {
        Path source = SyntheticMedia.builder().seconds(3).write(dir.resolve("long.mp4"));

        assertThat(refusal(source, limits(2, DEFAULTS.maxSegments(), 300, 300, DEFAULTS.maxPixels())))
                .contains("long.mp4").contains("mpp.media.max-source-seconds");
    }

    @Test
    void framesFarApartAreRefusedInsteadOfRepeatedIntoThousandsOfFrames() throws IOException {
        // 20 s between two frames: 600 repeated frames at 30 fps, over a limit of 5 s.
        Path source = SyntheticMedia.builder().seconds(1).noAudio().pauseBefore(15, 600).write(dir.resolve("gap.mp4"));

        assertThat(refusal(source, limits(3600, 5000, 5, 300, DEFAULTS.maxPixels())))
                .contains("gap.mp4").contains("stays on screen for 20.0 s").contains("mpp.media.max-frame-gap-seconds");
    }

    @Test
    void aFewFramesHoursApartAreRefusedByTheDefaults() throws IOException {
        // Two hours between two frames (216,000 repeated frames at 30 fps), within the default 6 hours of source.
        Path source = SyntheticMedia.builder().seconds(0.2).noAudio().pauseBefore(3, 2 * 3600 * 30).write(dir.resolve("hours.mp4"));

        assertThat(refusal(source, DEFAULTS)).contains("hours.mp4").contains("mpp.media.max-frame-gap-seconds");
    }

    @Test
    void moreSegmentsThanTheLimitAreRefusedBeforeAnyIsWritten() throws IOException {
        Path source = SyntheticMedia.builder().seconds(4).write(dir.resolve("many.mp4"));

        assertThat(refusal(source, limits(3600, 2, 300, 300, DEFAULTS.maxPixels())))
                .contains("many.mp4").contains("4 segments").contains("mpp.media.max-segments");
    }

    @Test
    void aLongGapInTheAudioIsRefusedInsteadOfFilledWithSilence() throws IOException {
        Path source = SyntheticMedia.builder().seconds(2).pauseBefore(30, 300).write(dir.resolve("mute.mp4"));

        assertThat(refusal(source, limits(3600, 5000, 60, 5, DEFAULTS.maxPixels())))
                .contains("mute.mp4").contains("the audio stops for").contains("mpp.media.max-audio-gap-seconds");
    }

    @Test
    void aPictureThatGrowsBeyondMaxPixelsMidFileIsRefusedByTheDecoder() throws IOException {
        Path small = SyntheticMedia.builder().size(320, 180).seconds(2).noAudio().write(dir.resolve("a.ts"));
        Path large = SyntheticMedia.builder().size(1280, 720).seconds(2).startTicks(60).noAudio().write(dir.resolve("b.ts"));
        Path source = dir.resolve("grows.ts");
        PacketCopy.concatProtocol(List.of(small, large), source);

        String message = refusal(source, limits(3600, 5000, 300, 300, 320 * 180 * 2));

        assertThat(message).contains("grows.ts").contains("decode error");
    }

    @Test
    void aSegmentOfFramesFarApartProbedUnderLooserLimitsIsRefusedWhileEncoding() throws IOException {
        // Ingested when the limit was 300 s (or by a node without it); transcoded under a limit of 5 s.
        Path source = SyntheticMedia.builder().seconds(1).noAudio().pauseBefore(15, 600).write(dir.resolve("gap.mp4"));
        MediaEngine loose = new MediaEngine(new Settings.Media(10.0, 2.0, 0, 0, DEFAULTS));
        org.mpp.media.MediaInfo info = loose.probe(source, Cancellation.none());
        List<org.mpp.media.Segment> segments = loose.split(source, info, dir.resolve("seg"), org.mpp.media.Progress.NONE,
                Cancellation.none());
        List<org.mpp.ladder.Rendition> renditions = org.mpp.ladder.RenditionPlanner.plan("gap", 320, 180,
                info.video().nominalFrameRate(), LocalTranscoderTest.LADDER);
        MediaEngine strict = new MediaEngine(new Settings.Media(10.0, 2.0, 0, 0, limits(3600, 5000, 5, 300, DEFAULTS.maxPixels())));

        BadInputException e = catchThrowableOfType(BadInputException.class, () -> strict.transcode(
                dir.resolve("seg").resolve(segments.get(0).file()), segments.get(0), info, renditions,
                r -> dir.resolve("enc").resolve(r.label() + ".mp4"), false, org.mpp.media.Progress.NONE, Cancellation.none()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("segment 0 of").contains("gap.mp4").contains("mpp.media.max-frame-gap-seconds");
        assertThat(LocalTranscoderTest.leftovers(dir.resolve("enc"))).isEmpty();
    }
}
