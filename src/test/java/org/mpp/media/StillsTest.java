package org.mpp.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.PhaseTimes;
import org.mpp.config.Settings;
import org.mpp.media.Thumbnails.Tile;
import org.mpp.testmedia.FrameCode;
import org.mpp.testmedia.MediaDecoder;
import org.mpp.testmedia.MediaDecoder.VideoFrame;
import org.mpp.testmedia.SyntheticMedia;

class StillsTest {
    private static final int FPS = 30;
    private static final double SECONDS = 26;
    /** Renditions as the pipeline makes them: 2 s GOPs, B-frames, upright. */
    private static Path large;
    private static Path small;

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    @BeforeAll
    static void encodeRenditions() throws IOException {
        large = rendition("640x360.mp4", 640, 360, SECONDS);
        small = rendition("320x180.mp4", 320, 180, SECONDS);
    }

    @Test
    void posterIsTheFrameAtTenPercentAtThePosterSourcesSize() throws IOException {
        Thumbnails t = Stills.write(large, small, SECONDS, 5, 160, 1280, 1, dir, Cancellation.none());

        assertThat(t.poster()).isEqualTo(dir.resolve("poster.jpg"));
        VideoFrame poster = decodeJpeg(t.poster());
        assertThat(List.of(poster.width(), poster.height())).containsExactly(640, 360);
        assertThat(List.of(t.posterWidth(), t.posterHeight())).containsExactly(640, 360);
        assertThat(poster.code()).as("frame code of the poster").isNotNegative();
        assertThat(poster.code() / (double) FPS).isCloseTo(0.1 * SECONDS, within(0.5));
    }

    @Test
    void posterOfALargerSourceIsCappedAt1280WideKeepingTheAspectRatio() throws IOException {
        Path fullHd = rendition("1920x1080.mp4", 1920, 1080, 3);

        Thumbnails t = Stills.write(fullHd, fullHd, 3, 5, 160, 1280, 1, dir, Cancellation.none());

        VideoFrame poster = decodeJpeg(t.poster());
        assertThat(List.of(poster.width(), poster.height())).containsExactly(1280, 720);
        assertThat(List.of(t.posterWidth(), t.posterHeight())).containsExactly(1280, 720);
        assertThat(poster.code() / (double) FPS).isCloseTo(0.3, within(0.5));
    }

    @Test
    void eachTileShowsTheFirstKeyframeOfItsStretchOnOneSheet() throws IOException {
        Thumbnails t = Stills.write(large, small, SECONDS, 5, 160, 1280, 1, dir, Cancellation.none());

        assertThat(t.tiles()).extracting(Tile::startSeconds).containsExactly(0.0, 5.0, 10.0, 15.0, 20.0, 25.0);
        assertThat(t.tiles()).extracting(Tile::endSeconds).containsExactly(5.0, 10.0, 15.0, 20.0, 25.0, SECONDS);
        assertThat(t.tiles()).extracting(Tile::x).containsExactly(0, 160, 320, 480, 640, 800);
        assertThat(t.tiles()).allSatisfy(tile -> {
            assertThat(tile.sheet()).isEqualTo("thumbnails-1.jpg");
            assertThat(List.of(tile.y(), tile.width(), tile.height())).containsExactly(0, 160, 90);
        });
        assertThat(files()).containsExactlyInAnyOrder("poster.jpg", "thumbnails-1.jpg");
        VideoFrame sheet = decodeJpeg(dir.resolve("thumbnails-1.jpg"));
        assertThat(List.of(sheet.width(), sheet.height())).containsExactly(960, 90);
        assertTilesShowTheirStart(t.tiles(), sheet, "thumbnails-1.jpg");
    }

    @Test
    void thePosterIsAKeyframeBetweenTenAndFifteenPercentWhereThereIsOne() throws IOException {
        Thumbnails t = Stills.write(large, small, 40, 5, 160, 1280, 1, dir, Cancellation.none());

        assertThat(decodeJpeg(t.poster()).code()).as("the keyframe at 4 s, in [4.0, 6.0)").isEqualTo(120);
        t = Stills.write(large, small, 35, 5, 160, 1280, 1, dir.resolve("b"), Cancellation.none());
        assertThat(decodeJpeg(t.poster()).code()).as("the keyframe at 4 s, in [3.5, 5.25)").isEqualTo(120);
    }

    @Test
    void tilesBeyondAHundredGoOnANewSheet() throws IOException {
        Thumbnails t = Stills.write(small, small, SECONDS, 0.25, 160, 1280, 1, dir, Cancellation.none());

        assertThat(t.tiles()).hasSize(104);
        assertThat(files()).containsExactlyInAnyOrder("poster.jpg", "thumbnails-1.jpg", "thumbnails-2.jpg");
        VideoFrame first = decodeJpeg(dir.resolve("thumbnails-1.jpg"));
        VideoFrame second = decodeJpeg(dir.resolve("thumbnails-2.jpg"));
        assertThat(List.of(first.width(), first.height())).containsExactly(1600, 900);
        assertThat(List.of(second.width(), second.height())).containsExactly(640, 90);
        Tile last = t.tiles().get(103);
        assertThat(List.of(last.sheet(), last.x(), last.y())).containsExactly("thumbnails-2.jpg", 480, 0);
        assertThat(t.tiles().get(99)).extracting(Tile::x, Tile::y).containsExactly(1440, 810);
        assertTilesShowTheirStart(t.tiles(), first, "thumbnails-1.jpg");
        assertTilesShowTheirStart(t.tiles(), second, "thumbnails-2.jpg");
    }

    @Test
    void aPictureIsDecodedFromTheKeyframeAtOrBeforeItsTimeOnly() {
        try (FrameSeeker seeker = FrameSeeker.open(small, 1)) {
            assertThat(FrameCode.read(luma(seeker.frameAt(6.0, Cancellation.none())), 320, 180, 320)).isEqualTo(180);
            assertThat(seeker.decoded()).as("frames decoded for the keyframe at 6 s").isEqualTo(1);

            assertThat(FrameCode.read(luma(seeker.frameAt(5.9, Cancellation.none())), 320, 180, 320)).isEqualTo(177);
            assertThat(seeker.decoded() - 1).as("frames decoded from the keyframe at 4 s to 5.9 s").isBetween(58L, 60L);

            seeker.frameAt(30, Cancellation.none());
            assertThat(seeker.decoded() - 1).as("frames decoded to a time past the end: the last GOP").isBetween(58L + 60, 60L + 60);
        }
    }

    @Test
    void aTileTakesTheKeyframeInItsStretchForOneDecodeAndTheFrameAtItsStartWhereThereIsNone() {
        try (FrameSeeker seeker = FrameSeeker.open(small, 1)) {
            assertThat(FrameCode.read(luma(seeker.keyframeWithin(5.0, 10.0, Cancellation.none())), 320, 180, 320)).isEqualTo(180);
            assertThat(seeker.decoded()).as("frames decoded for the keyframe at 6 s in [5, 10)").isEqualTo(1);

            assertThat(FrameCode.read(luma(seeker.keyframeWithin(6.5, 7.5, Cancellation.none())), 320, 180, 320)).isEqualTo(195);
            assertThat(FrameCode.read(luma(seeker.keyframeWithin(25.5, 40, Cancellation.none())), 320, 180, 320))
                    .as("no keyframe after 24 s: the frame at 25.5 s").isEqualTo(765);
        }
    }

    @Test
    void aPortraitSourceGivesPortraitTilesAndPoster() throws IOException {
        Path portrait = rendition("180x320.mp4", 180, 320, 12);

        Thumbnails t = Stills.write(portrait, portrait, 12, 5, 160, 1280, 1, dir, Cancellation.none());

        assertThat(List.of(t.posterWidth(), t.posterHeight())).containsExactly(180, 320);
        assertThat(t.tiles()).allSatisfy(tile -> assertThat(List.of(tile.width(), tile.height())).containsExactly(160, 284));
        VideoFrame sheet = decodeJpeg(dir.resolve("thumbnails-1.jpg"));
        assertThat(List.of(sheet.width(), sheet.height())).containsExactly(480, 284);
        assertTilesShowTheirStart(t.tiles(), sheet, "thumbnails-1.jpg");
    }

    @Test
    void aVideoShorterThanTheIntervalGetsOneTileCoveringIt() throws IOException {
        Path clip = rendition("short.mp4", 320, 180, 2);

        Thumbnails t = Stills.write(clip, clip, 2, 5, 160, 1280, 1, dir, Cancellation.none());

        assertThat(t.tiles()).containsExactly(new Tile("thumbnails-1.jpg", 0, 0, 160, 90, 0, 2));
        VideoFrame sheet = decodeJpeg(dir.resolve("thumbnails-1.jpg"));
        assertThat(List.of(sheet.width(), sheet.height())).containsExactly(160, 90);
        assertThat(sheet.code()).isZero();
    }

    @Test
    void picturesAreFullRangeJpegsSoBlackAndWhiteStayPure() throws IOException {
        Stills.write(large, small, SECONDS, 5, 160, 1280, 1, dir, Cancellation.none());

        VideoFrame poster = decodeJpeg(dir.resolve("poster.jpg"));
        // The frame code's reference cells: limited-range white (235) and black (16) in the source.
        int white = poster.luma()[(360 / 16) * 640 + 32] & 0xFF;
        int black = poster.luma()[(3 * 360 / 16) * 640 + 640 - 32] & 0xFF;
        assertThat(white).isGreaterThan(245);
        assertThat(black).isLessThan(10);
    }

    @Test
    void theEngineTimesTheStillsUnderTheirOwnPhase() {
        PhaseTimes times = new PhaseTimes();
        MediaEngine engine = new MediaEngine(new Settings.Media(6, 2, 1, 1), times);

        engine.writeStills(large, small, SECONDS, 5, 160, 1280, dir, Cancellation.none());

        assertThat(times.counts().get(PhaseTimes.Phase.STILLS)).isEqualTo(1);
        assertThat(times.seconds().get(PhaseTimes.Phase.STILLS)).isPositive();
    }

    @Test
    void aCancelledRunLeavesNoFiles() throws IOException {
        Cancellation cancel = new Cancellation();
        cancel.cancel();

        assertThatThrownBy(() -> Stills.write(large, small, SECONDS, 5, 160, 1280, 1, dir, cancel)).isInstanceOf(CancelledException.class);

        assertThat(filesWithHidden()).isEmpty();
    }

    @Test
    void aFailureAfterTheSheetsWereWrittenDeletesThem() throws IOException {
        Path missing = dir.resolve("gone.mp4");
        Path out = dir.resolve("stream");

        assertThatThrownBy(() -> Stills.write(missing, small, SECONDS, 5, 160, 1280, 1, out, Cancellation.none()))
                .isInstanceOf(BadInputException.class).hasMessageContaining(missing.toString());

        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aCorruptSourceFailsNamingTheFile() throws IOException {
        Path corrupt = dir.resolve("corrupt.mp4");
        Files.write(corrupt, "this is no video at all, only text pretending".repeat(100).getBytes());
        Path out = dir.resolve("stream");

        assertThatThrownBy(() -> Stills.write(large, corrupt, SECONDS, 5, 160, 1280, 1, out, Cancellation.none()))
                .isInstanceOf(MediaException.class).hasMessageContaining(corrupt.toString());
    }

    @Test
    void aTruncatedSourceFailsNamingTheFile() throws IOException {
        Path truncated = dir.resolve("truncated.mp4");
        byte[] whole = Files.readAllBytes(small);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 3));
        Path out = dir.resolve("stream");

        assertThatThrownBy(() -> Stills.write(large, truncated, SECONDS, 5, 160, 1280, 1, out, Cancellation.none()))
                .isInstanceOf(MediaException.class).hasMessageContaining(truncated.toString());
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).isEmpty();
        }
    }

    private static Path rendition(String name, int width, int height, double seconds) throws IOException {
        return SyntheticMedia.builder().size(width, height).fps(FPS).seconds(seconds).gop(2 * FPS).noAudio()
                .write(shared.resolve(name));
    }

    /**
     * Reads the frame code of every tile of {@code sheet} and checks it is the first keyframe of the tile's stretch (the
     * sources have one every 2 s), or the frame at its start where the stretch holds none.
     */
    private static void assertTilesShowTheirStart(List<Tile> tiles, VideoFrame sheet, String name) {
        for (Tile tile : tiles) {
            if (!tile.sheet().equals(name)) {
                continue;
            }
            ByteBuffer at = ByteBuffer.wrap(sheet.luma()).position(tile.y() * sheet.width() + tile.x()).slice();
            int code = FrameCode.read(at, tile.width(), tile.height(), sheet.width());
            assertThat(code).as("frame code of the tile at %s s", tile.startSeconds()).isNotNegative();
            double keyframe = 2 * Math.ceil(tile.startSeconds() / 2 - 1e-9);
            double expected = keyframe < tile.endSeconds() - 1e-9 ? keyframe : tile.startSeconds();
            assertThat(code / (double) FPS).as("time of the tile at %s s", tile.startSeconds())
                    .isCloseTo(expected, within(1.0 / FPS + 1e-9));
        }
    }

    /** The luma plane of a decoded 8-bit picture, packed (stride = width). */
    private static ByteBuffer luma(org.bytedeco.ffmpeg.avutil.AVFrame frame) {
        byte[] out = new byte[frame.width() * frame.height()];
        for (int row = 0; row < frame.height(); row++) {
            frame.data(0).position((long) row * frame.linesize(0)).get(out, row * frame.width(), frame.width());
        }
        frame.data(0).position(0);
        return ByteBuffer.wrap(out);
    }

    private static VideoFrame decodeJpeg(Path jpeg) throws IOException {
        List<VideoFrame> frames = MediaDecoder.decodeVideo(jpeg);
        assertThat(frames).as("pictures in %s", jpeg).hasSize(1);
        return frames.get(0);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private List<Path> filesWithHidden() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
