package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.media.MediaEngine;
import org.mpp.store.Claim;
import org.mpp.store.ControlStore;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.LostClaimException;
import org.mpp.store.Stage;
import org.mpp.store.Status;
import org.mpp.store.TaskStore;
import org.mpp.testmedia.SyntheticMedia;

/** An export whose claim was lost (its node was declared dead, then woke up) delivers nothing (issue 11, section 3). */
class LostExportClaimTest {
    @TempDir
    Path dir;

    @Test
    void anExportThatLostItsClaimDeliversNothing() throws Exception {
        Settings settings = Settings.from(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.work.delivery-dir = "%s"
                mpp.media.segment-seconds = 1
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.poll-millis = 50
                """.formatted(dir.resolve("work"), dir.resolve("delivery"))).withFallback(ConfigFactory.defaultReference()).resolve());
        UUID job;
        try (Node node = Node.builder(settings).build()) {
            MppClient client = MppClient.create(node.database(), settings);
            new ControlStore(node.database()).setPolicy("exportEnabled", "false");
            job = client.submit(SyntheticMedia.builder().seconds(2).write(dir.resolve("e.mp4")), 0);
            node.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> client.job(job).orElseThrow().status() == Status.TRANSCODED);
        }
        try (Database db = Database.open(settings.db(), settings.work().dir())) {
            TaskStore tasks = new TaskStore(db);
            JobStore jobs = new JobStore(db);
            Claim stale = tasks.claim(Stage.EXPORT, UUID.randomUUID(), 1, Duration.ofMinutes(1)).get(0);
            // Its node stalls; meanwhile the task went back to the queue and another node holds it now.
            tasks.release(stale);
            Claim current = tasks.claim(Stage.EXPORT, UUID.randomUUID(), 1, Duration.ofMinutes(1)).get(0);
            MediaEngine media = new MediaEngine(settings.media());
            TranscodeThreads threads = new TranscodeThreads(settings.media(), 2, 2);
            try (AudioAhead audio = new AudioAhead(media, Thread::new)) {
                Stages stages = new Stages(media, new WorkFolders(settings.work()), jobs, tasks, new ControlStore(db), audio, threads, settings.packaging(),
                        new NodeMeters(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), () -> { },
                        new SegmentLength(settings.media()), () -> 1);

                assertThatThrownBy(() -> stages.export(new TaskContext(stale, tasks, Duration.ofMinutes(20), System::nanoTime))).isInstanceOf(LostClaimException.class);
            }

            Path delivery = dir.resolve("delivery");
            if (Files.isDirectory(delivery)) {
                try (Stream<Path> files = Files.list(delivery)) {
                    assertThat(files.toList()).as("nothing delivered, not even a temporary file").isEmpty();
                }
            }
            assertThat(tasks.stillHeld(current)).isTrue();
            assertThat(jobs.job(job).orElseThrow().status()).isEqualTo(Status.EXPORTING);
        }
    }
}
