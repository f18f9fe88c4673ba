package org.mpp.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.Rational;
import org.mpp.config.Settings;
import org.mpp.ladder.OutputSpec;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.media.MediaEngine.EncodedSegment;
import org.mpp.testmedia.MediaDecoder;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Issue 13: a segment's renditions encode at the same time, each on a lane of its own beside the decoding thread, so
 * two segments side by side (or one alone) spread over every core; a lane's thread never outlives its segment.
 */
class EncoderLaneTest {
    private static final int FPS = 30;
    private static MediaEngine media;
    private static MediaInfo info;
    private static Segment segment;
    private static Path segmentFile;
    private static List<Rendition> renditions;

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    @BeforeAll
    static void oneSegmentOfAFourSecondClip() throws IOException {
        Path source = SyntheticMedia.builder().size(1280, 720).fps(FPS).seconds(4).gop(4 * FPS).noAudio().write(shared.resolve("s.mp4"));
        media = new MediaEngine(new Settings.Media(10, 2, 1, 1));
        MediaEngine.Probed probed = media.probeToCut(source, Cancellation.none());
        info = probed.info();
        renditions = RenditionPlanner.plan("s", 1280, 720, Rational.of(FPS), List.of(new OutputSpec(1280, 720, 23, "medium", "main", 30, 64),
                new OutputSpec(640, 360, 23, "medium", "main", 30, 64)));
        List<Segment> segments = media.split(probed, false, Files.createDirectories(shared.resolve("segments")), Progress.NONE, Cancellation.none());
        assertThat(segments).hasSize(1);
        segment = segments.get(0);
        segmentFile = shared.resolve("segments").resolve(segment.file());
    }

    @Test
    void eachRenditionOfASegmentEncodesOnALaneOfItsOwnAtTheSameTime() throws Exception {
        Set<String> lanes = renditions.stream().map(r -> "lane-test-" + r.label()).collect(Collectors.toSet());
        CompletableFuture<List<EncodedSegment>> encoded = transcodeOn("lane-test", Cancellation.none());
        boolean together = false;
        while (!encoded.isDone() && !together) {
            together = liveThreadNames().containsAll(lanes);
        }

        assertThat(together).as("both renditions' lanes alive at once while the segment encoded").isTrue();
        List<EncodedSegment> result = encoded.get();
        assertThat(result).hasSize(2);
        for (EncodedSegment e : result) {
            assertThat(MediaDecoder.decodeVideo(e.file())).as("%s's frames", e.file()).hasSize(4 * FPS);
        }
        assertThat(liveThreadNames()).as("lanes after the segment").doesNotContainAnyElementsOf(lanes);
    }

    @Test
    void aCancelledSegmentStopsItsLanesAndLeavesNoFile() throws Exception {
        Cancellation cancel = Cancellation.none();
        Set<String> lanes = renditions.stream().map(r -> "lane-cancel-" + r.label()).collect(Collectors.toSet());
        CompletableFuture<List<EncodedSegment>> encoded = transcodeOn("lane-cancel", cancel);
        while (!encoded.isDone() && !liveThreadNames().containsAll(lanes)) {
            Thread.onSpinWait();
        }
        cancel.cancel();

        Throwable t = catchThrowable(encoded::join);

        assertThat(t).hasCauseInstanceOf(CancelledException.class);
        assertThat(liveThreadNames()).as("lanes after the cancel").doesNotContainAnyElementsOf(lanes);
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).as("what the cancelled segment left").isEmpty();
        }
    }

    /** Transcodes the segment into {@link #dir} on a new thread named {@code name}. */
    private CompletableFuture<List<EncodedSegment>> transcodeOn(String name, Cancellation cancel) {
        CompletableFuture<List<EncodedSegment>> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(media.transcode(segmentFile, segment, info, renditions, r -> dir.resolve(r.label() + ".mp4"), true, 1, 1,
                        List.of(), Progress.NONE, cancel));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.start();
        return f;
    }

    private static Set<String> liveThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toSet());
    }
}
