package org.mpp.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.Rational;
import org.mpp.media.MediaInfo;
import org.mpp.store.JobView;
import org.mpp.store.Status;

/** A job's media info, renditions and stream package as the API shows them, from a real export folder. */
class JobJsonTest {
    @TempDir
    Path dir;

    private static final UUID JOB = UUID.fromString("1a2b3c4d-0000-4000-8000-000000000001");

    private JobView job(String source, int status, String mediaInfo) {
        LocalDateTime t = LocalDateTime.of(2026, 1, 1, 12, 0);
        return new JobView(7, JOB, source, status, 0, false, status == Status.COMPLETE ? 1 : 0.2, null, t, null, "", mediaInfo);
    }

    private void touch(String... names) throws IOException {
        for (String n : names) {
            Path f = dir.resolve(n);
            Files.createDirectories(f.getParent());
            Files.writeString(f, n);
        }
    }

    @Test
    void aCompleteJobListsItsRenditionsLargestFirstAndItsPackage() throws IOException {
        // A stem that ends in digits, and a name that took the UUID's first digits (the delivery folder had one already).
        touch("clip2024720p30.mp4", "clip2024480p30-1a2b3c4d.mp4", "clip2024-stream/master.m3u8", "clip2024-stream/manifest.mpd",
                "clip2024-stream/poster.jpg", "clip2024-stream/thumbnails.vtt", "clip2024-stream/video-720p30/index.m3u8", "notes.txt");

        JobJson j = JobJson.of(job("in/clip2024.mov", Status.COMPLETE, null), dir, Clock.systemDefaultZone());

        assertThat(j.renditions()).extracting(JobJson.RenditionJson::height).containsExactly(720, 480);
        assertThat(j.renditions()).extracting(JobJson.RenditionJson::frameRate).containsExactly(30, 30);
        assertThat(j.renditions().get(1).url()).isEqualTo("/api/v1/jobs/" + JOB + "/files/clip2024480p30-1a2b3c4d.mp4");
        String base = "/api/v1/jobs/" + JOB + "/files/clip2024-stream/";
        assertThat(j.stream()).isEqualTo(new JobJson.StreamJson(base + "master.m3u8", base + "manifest.mpd", base + "poster.jpg",
                base + "thumbnails.vtt"));
        assertThat(j.media()).isNull();
    }

    @Test
    void anUnfinishedJobHasNoFilesYetButItsProbe() {
        MediaInfo info = new MediaInfo("a.mp4", "mov,mp4", 1234, 8.5,
                new MediaInfo.VideoInfo(0, "h264", 1920, 1080, "yuv420p", Rational.of(30000, 1001), Rational.of(30000, 1001), false, 90,
                        255, Rational.ZERO, Rational.of(17, 2)),
                new MediaInfo.AudioInfo(1, "aac", 2, "stereo", 48000, 0, 8.5), List.of(0.0));

        JobJson j = JobJson.of(job("a.mp4", Status.TRANSCODING, info.toJson()), dir, Clock.systemDefaultZone());

        assertThat(j.files()).isEmpty();
        assertThat(j.renditions()).isEmpty();
        assertThat(j.stream()).isNull();
        // Rotated 90 degrees: shown upright.
        assertThat(j.media()).isEqualTo(new MediaJson("mov,mp4", 8.5, 1234, "h264", 1080, 1920, 29.97, false, "aac", 2, 48000));
        // A list of jobs leaves the probe out.
        assertThat(JobJson.of(job("a.mp4", Status.TRANSCODING, info.toJson()), dir, Clock.systemDefaultZone(), false).media()).isNull();
    }

    @Test
    void anUnreadableProbeIsLeftOutNotAnError() {
        assertThat(JobJson.of(job("a.mp4", Status.INGESTING, "{not json"), dir, Clock.systemDefaultZone()).media()).isNull();
    }
}
