package org.mpp.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.Rational;
import org.mpp.config.Settings;
import org.mpp.ladder.OutputSpec;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.media.Thumbnails.Tile;
import org.mpp.testmedia.FrameCode;
import org.mpp.testmedia.MediaDecoder;
import org.mpp.testmedia.MediaDecoder.VideoFrame;
import org.mpp.testmedia.SyntheticMedia;

/**
 * The streaming package's stills taken by the segments' transcodes ({@link MediaEngine#stillShots}) and assembled by the
 * export ({@link MediaEngine#assembleStills}) instead of decoded from the finished renditions after the last segment.
 */
class StillShotsTest {
    private static final int FPS = 30;
    private static final double SECONDS = 13;
    private static final double EVERY = 2;
    private static MediaEngine media;
    private static MediaInfo info;
    private static List<Rendition> renditions;
    /** Each segment's stills folder, in segment order. */
    private static final List<Path> shotDirs = new ArrayList<>();

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    @BeforeAll
    static void transcodeEverySegmentTakingItsStills() throws IOException {
        Path source = SyntheticMedia.builder().size(640, 360).fps(FPS).seconds(SECONDS).gop(FPS).noAudio().write(shared.resolve("s.mp4"));
        media = new MediaEngine(new Settings.Media(4, 2, 1, 1));
        MediaEngine.Probed probed = media.probeToCut(source, Cancellation.none());
        info = probed.info();
        renditions = RenditionPlanner.plan("s", 640, 360, Rational.of(FPS), List.of(new OutputSpec(640, 360, 28, "ultrafast", "main", 30, 64),
                new OutputSpec(320, 180, 28, "ultrafast", "main", 30, 64)));
        Path segments = Files.createDirectories(shared.resolve("segments"));
        for (Segment s : media.split(probed, false, segments, Progress.NONE, Cancellation.none())) {
            Path stills = Files.createDirectories(shared.resolve("stills-" + s.index()));
            List<StillShot> shots = media.stillShots(s, info, renditions, EVERY, 160, 1280, stills);
            media.transcode(segments.resolve(s.file()), s, info, renditions, r -> shared.resolve(s.index() + "-" + r.label() + ".mp4"), true, 1, 1,
                    shots, Progress.NONE, Cancellation.none());
            shotDirs.add(stills);
        }
    }

    @Test
    void theSegmentsTakeEveryTileAndThePosterAtTheirFirstFrame() throws IOException {
        assertThat(shotDirs).as("segments").hasSizeGreaterThanOrEqualTo(3);

        Thumbnails t = media.assembleStills(shotDirs, SECONDS, EVERY, dir, Cancellation.none()).orElseThrow();

        assertThat(t.tiles()).hasSize(7);
        assertThat(t.tiles()).allSatisfy(tile -> assertThat(List.of(tile.width(), tile.height())).containsExactly(160, 90));
        VideoFrame sheet = decode(dir.resolve("thumbnails-1.jpg"));
        assertThat(List.of(sheet.width(), sheet.height())).containsExactly(7 * 160, 90);
        for (Tile tile : t.tiles()) {
            ByteBuffer at = ByteBuffer.wrap(sheet.luma()).position(tile.y() * sheet.width() + tile.x()).slice();
            assertThat(FrameCode.read(at, tile.width(), tile.height(), sheet.width())).as("frame of the tile at %s s", tile.startSeconds())
                    .isEqualTo((int) Math.round(tile.startSeconds() * FPS));
        }
        VideoFrame poster = decode(t.poster());
        assertThat(List.of(poster.width(), poster.height(), t.posterWidth(), t.posterHeight())).containsExactly(640, 360, 640, 360);
        assertThat(poster.code()).as("the frame at 10 %").isEqualTo((int) Math.ceil(0.1 * SECONDS * FPS));
    }

    @Test
    void aSegmentThatTookNoStillHasNoFolderAndTheRestAreAssembled() throws IOException {
        List<Path> withOneWithout = new ArrayList<>(shotDirs);
        withOneWithout.add(dir.resolve("a segment no tile or poster fell in"));

        assertThat(media.assembleStills(withOneWithout, SECONDS, EVERY, dir.resolve("out"), Cancellation.none())).isPresent();
    }

    @Test
    void aSegmentWithoutItsStillsLeavesThemToTheRenditionsAndWritesNothing() throws IOException {
        List<Path> withoutOne = new ArrayList<>(shotDirs);
        withoutOne.set(1, dir.resolve("an older node's segment"));

        assertThat(media.assembleStills(withoutOne, SECONDS, EVERY, dir.resolve("out"), Cancellation.none())).isEmpty();
        assertThat(media.assembleStills(shotDirs, SECONDS + 2 * EVERY, EVERY, dir.resolve("out"), Cancellation.none()))
                .as("a longer video than the stills were planned for").isEmpty();
        assertThat(Files.exists(dir.resolve("out"))).isFalse();
    }

    @Test
    void eachStillIsTakenByOneSegmentOnly() throws IOException {
        List<String> names = new ArrayList<>();
        for (Path d : shotDirs) {
            try (Stream<Path> files = Files.list(d)) {
                files.forEach(f -> names.add(f.getFileName().toString()));
            }
        }
        assertThat(names).doesNotHaveDuplicates().hasSize(7 + 1);
    }

    private static VideoFrame decode(Path jpeg) throws IOException {
        List<VideoFrame> frames = MediaDecoder.decodeVideo(jpeg);
        assertThat(frames).as("pictures in %s", jpeg).hasSize(1);
        return frames.get(0);
    }
}
