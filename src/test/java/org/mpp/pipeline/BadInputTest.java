package org.mpp.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.media.BadInputException;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.testmedia.BadMedia;
import org.mpp.testmedia.SyntheticMedia;

/** Unusable uploads fail with a reason an operator can read, leave nothing behind and never touch the source. */
class BadInputTest {
    @TempDir
    Path dir;
    LocalTranscoder transcoder;

    @BeforeEach
    void setUp() {
        transcoder = new LocalTranscoder(new MediaEngine(LocalTranscoderTest.MEDIA), LocalTranscoderTest.LADDER, dir.resolve("work"), true);
    }

    private String failureOf(Path source) throws IOException {
        byte[] before = Files.isRegularFile(source) ? Files.readAllBytes(source) : null;
        BadInputException e = catchThrowableOfType(BadInputException.class,
                () -> transcoder.transcode(source, dir.resolve("out"), (step, f) -> { }, Cancellation.none()));
        assertThat(e).as("failure of %s", source).isNotNull();
        assertThat(LocalTranscoderTest.leftovers(dir.resolve("out"))).isEmpty();
        assertThat(LocalTranscoderTest.leftovers(dir.resolve("work"))).isEmpty();
        if (before != null) {
            assertThat(Files.readAllBytes(source)).as("the source is untouched").isEqualTo(before);
        }
        return e.getMessage();
    }

    @Test
    void emptyFile() throws IOException {
        assertThat(failureOf(BadMedia.empty(dir.resolve("empty.mp4")))).contains("empty.mp4").contains("empty");
    }

    @Test
    void randomBytesWithAVideoName() throws IOException {
        assertThat(failureOf(BadMedia.randomBytes(dir.resolve("noise.mp4"), 50_000))).contains("noise.mp4").contains("not a media file");
    }

    @Test
    void truncatedMp4WithItsIndexAtTheFront() throws IOException {
        assertThat(failureOf(BadMedia.truncatedMp4(dir.resolve("cut.mp4"), 0.6))).contains("cut.mp4").containsIgnoringCase("truncated");
    }

    @Test
    void corruptedBlocksInTheMiddleAreCaughtByTheIntegrityCheck() throws IOException {
        Path corrupted = BadMedia.corruptedMp4(dir.resolve("corrupt.mp4"));
        double hit = BadMedia.corruptedPacketTimes(corrupted).get(0);

        String message = failureOf(corrupted);

        assertThat(message).contains("corrupt.mp4").contains("decode error");
        double near = Double.parseDouble(message.replaceAll("(?s).*near ([0-9.]+) s.*", "$1"));
        assertThat(near).as("the error is located near the damage").isBetween(hit - 1.0, hit + 1.0);
    }

    @Test
    void audioOnlyFile() throws IOException {
        assertThat(failureOf(BadMedia.audioOnly(dir.resolve("song.m4a")))).contains("no video stream (audio only)");
    }

    @Test
    void aDirectoryOrAMissingFile() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("folder.mp4"));
        assertThat(failureOf(folder)).contains("not a regular file");
        assertThat(failureOf(dir.resolve("missing.mp4"))).contains("no such file");
    }

    @Test
    void namesWithSpacesUnicodeAndQuotesWork() throws IOException {
        Path source = SyntheticMedia.builder().seconds(1).write(dir.resolve("my \"holiday\" – été 'clip'.mp4"));

        LocalTranscoder.Result result = transcoder.transcode(source, dir.resolve("out"), (step, f) -> { }, Cancellation.none());

        assertThat(result.outputs()).extracting(p -> p.getFileName().toString())
                .allSatisfy(n -> assertThat(n).startsWith("my \"holiday\" – été 'clip'"));
        assertThat(result.outputs()).allSatisfy(p -> assertThat(p).isRegularFile());
    }

    @Test
    void theSameDamageIsMissedWithoutVerificationButNothingCrashes() throws IOException {
        LocalTranscoder lenient = new LocalTranscoder(new MediaEngine(LocalTranscoderTest.MEDIA), LocalTranscoderTest.LADDER, dir.resolve("work"), false);
        Path corrupted = BadMedia.corruptedMp4(dir.resolve("corrupt.mp4"));

        List<Path> outputs = lenient.transcode(corrupted, dir.resolve("out"), (step, f) -> { }, Cancellation.none()).outputs();

        assertThat(outputs).isNotEmpty().allSatisfy(p -> assertThat(p).isRegularFile());
    }

    @Test
    void anHlsPlaylistThatNamesAFileElsewhereIsRefusedUnread() throws IOException {
        Path elsewhere = SyntheticMedia.builder().seconds(1).write(dir.resolve("private").resolve("other-job.ts"));
        Path playlist = Files.writeString(dir.resolve("upload.m3u8"), "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n"
                + "#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\n" + elsewhere.toAbsolutePath() + "\n#EXT-X-ENDLIST\n");

        assertThat(failureOf(playlist)).contains("upload.m3u8").contains("hls playlist").contains("self-contained");
    }

    @Test
    void aConcatScriptNamedLikeAVideoIsRefusedUnread() throws IOException {
        Path elsewhere = SyntheticMedia.builder().seconds(1).write(dir.resolve("private").resolve("other-job.mp4"));
        Path script = Files.writeString(dir.resolve("clip.mp4"), "ffconcat version 1.0\nfile '" + elsewhere.toAbsolutePath() + "'\n");

        assertThat(failureOf(script)).contains("clip.mp4").contains("concat playlist or script");
    }

    @Test
    void aFileNamedLikeAProtocolUrlIsReadAsTheLocalFileItIs() throws IOException {
        Files.createDirectories(dir.resolve("concat:x"));
        Path odd = SyntheticMedia.builder().seconds(1).write(dir.resolve("concat:x").resolve("a.mp4|b.mp4"));

        LocalTranscoder.Result result = transcoder.transcode(odd, dir.resolve("out"), (step, f) -> { }, Cancellation.none());

        assertThat(result.outputs()).isNotEmpty().allSatisfy(p -> assertThat(p).isRegularFile());
    }

    @Test
    void anImageNamedLikeASequencePatternIsOnlyItself() throws IOException {
        // other001.jpg ... other010.jpg belong to someone else; "other%03d.jpg" is one uploaded picture.
        SyntheticMedia.builder().codec(org.mpp.testmedia.VideoCodec.MJPEG).noAudio().fps(10).seconds(1)
                .write(dir.resolve("other%03d.jpg"));
        assertThat(dir.resolve("other010.jpg")).isRegularFile();
        Path upload = Files.copy(dir.resolve("other001.jpg"), dir.resolve("other%03d.jpg"));

        org.mpp.media.MediaInfo info = new MediaEngine(LocalTranscoderTest.MEDIA).probe(upload, Cancellation.none());

        assertThat(info.video().frameCount()).isEqualTo(1);
    }
}
