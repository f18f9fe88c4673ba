package org.mpp.fault.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.mpp.Rational;
import org.mpp.config.Settings;
import org.mpp.ladder.OutputSpec;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;
import org.mpp.media.Progress;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import org.mpp.store.Uuids;
import org.mpp.testmedia.MediaDecoder;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Checks what a finished job delivered against the clip it came from, with the engine's own probe and decode: every
 * planned rendition is there, H.264 at the planned size, every source frame there once and in order (read from the
 * frame codes), the source's duration, AAC audio, and a clean decode ({@link MediaEngine#verify}). Thread-safe.
 */
final class Outputs {
    private final MediaEngine media = new MediaEngine(new Settings.Media(1, 1, 1, 1));
    private final List<OutputSpec> ladder;
    private final Path work;

    Outputs(List<OutputSpec> ladder, Path work) {
        this.ladder = List.copyOf(ladder);
        this.work = work;
    }

    /** The renditions a clip gets from the ladder. */
    List<Rendition> planned(Clip clip) {
        return RenditionPlanner.plan(clip.stem(), clip.width(), clip.height(), Rational.of(clip.fps()), ladder);
    }

    /**
     * Asserts that {@code job} is complete and that each of its files is a correct rendition of {@code clip}; that the
     * job's source is gone and its ingest and transcode folders are purged.
     *
     * @return the number of hidden temporary files left in the job's export folder (reported, not failed on)
     */
    int assertDelivered(JobView job, Clip clip) throws IOException {
        assertThat(job.status()).as("status of job %s (%s): %s", job.uuid(), clip.fileName(), job.failureReason())
                .isEqualTo(Status.COMPLETE);
        List<Rendition> planned = planned(clip);
        List<Path> all = job.deliveredFiles().lines().map(Path::of).toList();
        List<Path> delivered = all.stream().filter(p -> p.toString().endsWith(".mp4")).toList();
        assertThat(all.stream().filter(p -> !p.toString().endsWith(".mp4"))).as("the streaming package's manifests of %s", clip.fileName())
                .extracting(p -> p.getFileName().toString()).containsExactly("master.m3u8", "manifest.mpd");
        all.forEach(p -> assertThat(p).as("delivered").isRegularFile());
        assertThat(delivered).as("delivered files of %s", clip.fileName()).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(planned.stream().map(Rendition::fileName).toList());
        SyntheticMedia.Plan plan = clip.plan();
        for (Rendition r : planned) {
            Path file = delivered.stream().filter(p -> p.getFileName().toString().equals(r.fileName())).findFirst().orElseThrow();
            assertRendition(file, r, plan);
        }
        String hex = Uuids.hex(job.uuid());
        assertThat(work.resolve("source").resolve(clip.fileName())).as("source of a complete job").doesNotExist();
        assertThat(work.resolve("ingest").resolve(hex)).as("ingest folder of a complete job").doesNotExist();
        assertThat(work.resolve("transcode").resolve(hex)).as("transcode folder of a complete job").doesNotExist();
        return leftoverTemporaries(job.uuid());
    }

    /** Hidden temporary files (".name.xxx.tmp") in a job's export folder: what an exporter killed mid-write leaves. */
    int leftoverTemporaries(UUID job) throws IOException {
        Path dir = work.resolve("export").resolve(Uuids.hex(job));
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(p -> p.getFileName().toString().startsWith(".") && p.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    private void assertRendition(Path file, Rendition r, SyntheticMedia.Plan plan) throws IOException {
        assertThat(file).isRegularFile();
        MediaInfo info = media.probe(file, Cancellation.none());
        MediaInfo.VideoInfo v = info.video();
        int frames = plan.frameCount();
        assertThat(v.codec()).as("codec of %s", file).isEqualTo("h264");
        assertThat(List.of(v.width(), v.height())).as("size of %s", file).containsExactly(r.width(), r.height());
        assertThat(v.frameCount()).as("frames of %s", file).isEqualTo(frames);
        assertThat(v.duration().toDouble()).as("video duration of %s", file).isCloseTo(plan.videoSeconds(), within(2 / plan.fps()));
        assertThat(info.audio()).as("audio of %s", file).isNotNull();
        assertThat(info.audio().codec()).isEqualTo("aac");
        media.verify(file, info, Progress.NONE, Cancellation.none());
        List<Integer> shown = new ArrayList<>();
        MediaDecoder.forEachVideoFrame(file, f -> shown.add(f.code()));
        List<Integer> expected = java.util.stream.IntStream.range(0, frames).boxed().toList();
        assertThat(shown).as("source frame shown by each frame of %s (each once, in order)", file).isEqualTo(expected);
    }
}
