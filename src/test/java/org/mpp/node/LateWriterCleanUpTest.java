package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.mpp.store.TaskStore;

/**
 * A sibling segment's transcode, claimed before its job failed, that writes its files after the failing node purged the
 * job's folders, removes them once it finds its claim lost: nothing else would (seen in PoisonSegmentTest on CI).
 */
class LateWriterCleanUpTest {
    @TempDir
    Path dir;

    @Test
    void aTranscodeThatWroteAfterItsJobFailedLeavesNoWorkFolder() throws Exception {
        Settings settings = Settings.from(ConfigFactory.parseString("mpp.work.dir = \"%s\"".formatted(dir.resolve("work")))
                .withFallback(ConfigFactory.defaultReference()).resolve());
        try (Database db = Database.open(settings.db(), settings.work().dir())) {
            TaskStore tasks = new TaskStore(db);
            JobStore jobs = new JobStore(db);
            WorkFolders folders = new WorkFolders(settings.work());
            Path source = Files.writeString(dir.resolve("a.mp4"), "not read");
            UUID job = MppClient.create(db, settings).submit(source, 0);
            Claim ingest = tasks.claim(Stage.INGEST, UUID.randomUUID(), 1, Duration.ofMinutes(1)).get(0);
            tasks.completeIngest(ingest, "{}", List.of("{}", "{}"));
            List<Claim> segments = tasks.claim(Stage.TRANSCODE, UUID.randomUUID(), 2, Duration.ofMinutes(1));
            // Segment 0 fails the job for good; its node purges the job's folders.
            assertThat(tasks.fail(segments.get(0), "not media", true, 3)).isEqualTo(TaskStore.Outcome.JOB_FAILED);
            folders.purge(job);
            MediaEngine media = new MediaEngine(settings.media());
            ControlStore control = new ControlStore(db);
            try (AudioAhead audio = new AudioAhead(media, Thread::new)) {
                Stages stages = new Stages(media, folders, jobs, tasks, control, audio, new TranscodeThreads(settings.media(), 2, 2),
                        settings.packaging(), new NodeMeters(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), () -> { },
                        new SegmentLength(settings.media()), () -> 1);
                TaskRunner runner = new TaskRunner(stages, tasks, folders, jobs, Duration.ofSeconds(30));
                Claim sibling = segments.get(1);

                runner.run(new TaskContext(sibling, tasks, Duration.ofMinutes(20), System::nanoTime), control.policies(), () -> {
                    Path late = Files.createDirectories(folders.encodedSegment(job, "180p30", 1, sibling.attempt()).getParent());
                    Files.writeString(late.resolve("segment-00001.a" + sibling.attempt() + ".mp4"), "encoded after the purge");
                    tasks.completeTranscode(sibling);
                });
            }

            assertThat(folders.transcodeRoot(job)).doesNotExist();
            assertThat(folders.ingestRoot(job)).doesNotExist();
        }
    }
}
