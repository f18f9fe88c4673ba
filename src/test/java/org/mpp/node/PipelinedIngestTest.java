package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.media.MediaEngine;
import org.mpp.store.Claim;
import org.mpp.store.ControlStore;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.Stage;
import org.mpp.store.Status;
import org.mpp.store.TaskStore;
import org.mpp.testmedia.SyntheticMedia;

/**
 * An ingest queues each segment's transcode as soon as the cut has written it (issue 13's pipelining): a transcode can
 * start while the rest of the source is still being cut.
 */
class PipelinedIngestTest {
    @TempDir
    Path dir;

    /** What the job looked like in the database each time the ingest said it had queued a segment. */
    private record Seen(int status, int segments, boolean mediaInfo, List<Integer> claimable) {
    }

    @Test
    void anIngestQueuesEachSegmentWhileTheCutGoesOn() throws Exception {
        Settings settings = Settings.from(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.media.segment-seconds = 1
                """.formatted(dir.resolve("work"))).withFallback(ConfigFactory.defaultReference()).resolve());
        try (Database db = Database.open(settings.db(), settings.work().dir())) {
            TaskStore tasks = new TaskStore(db);
            JobStore jobs = new JobStore(db);
            ControlStore control = new ControlStore(db);
            UUID job = MppClient.create(db, settings).submit(SyntheticMedia.builder().seconds(4).size(320, 180).write(dir.resolve("clip.mp4")), 0);
            MediaEngine media = new MediaEngine(settings.media());
            List<Seen> seen = new ArrayList<>();
            UUID otherNode = UUID.randomUUID();
            try (AudioAhead audio = new AudioAhead(media, Thread::new)) {
                Stages stages = new Stages(media, new WorkFolders(settings.work()), jobs, tasks, control, audio,
                        new TranscodeThreads(settings.media(), 2, 2), settings.packaging(),
                        new NodeMeters(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), () -> {
                            var j = jobs.job(job).orElseThrow();
                            // Another node takes the segment at once (and says it is done: no file is needed for that).
                            List<Claim> claimed = tasks.claim(Stage.TRANSCODE, otherNode, 10, Duration.ofMinutes(1));
                            claimed.forEach(tasks::completeTranscode);
                            seen.add(new Seen(j.status(), tasks.segments(job).size(), j.mediaInfo() != null,
                                    claimed.stream().map(Claim::segmentPart).toList()));
                        }, new SegmentLength(settings.media()), () -> 1);
                Claim ingest = tasks.claim(Stage.INGEST, UUID.randomUUID(), 1, Duration.ofMinutes(1)).get(0);

                stages.ingest(new TaskContext(ingest, tasks, Duration.ofMinutes(20), System::nanoTime), control.policies());
            }

            assertThat(seen).as("one call per segment").hasSizeGreaterThanOrEqualTo(3);
            for (int i = 0; i < seen.size(); i++) {
                assertThat(seen.get(i)).as("segment %d queued", i).isEqualTo(new Seen(Status.INGESTING, i + 1, true, List.of(i)));
            }
            assertThat(tasks.segments(job)).hasSize(seen.size());
            assertThat(jobs.job(job).orElseThrow().status()).as("every segment was done when the ingest ended: export queued")
                    .isEqualTo(Status.TRANSCODED);
        }
    }
}
