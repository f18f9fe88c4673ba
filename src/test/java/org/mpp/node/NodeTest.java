package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.client.MppClient;
import org.mpp.PhaseTimes;
import org.mpp.config.Settings;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.store.ControlStore;
import org.mpp.store.JobView;
import org.mpp.store.NodeStore;
import org.mpp.store.Status;
import org.mpp.store.Uuids;
import org.mpp.testmedia.BadMedia;
import org.mpp.testmedia.MediaProbe;
import org.mpp.testmedia.SyntheticMedia;

/** A node in this JVM on the embedded H2 database runs the whole seed pipeline. */
class NodeTest {
    @TempDir
    Path dir;
    Node node;
    MppClient client;

    Settings settings(String extra) {
        return Settings.from(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.media.segment-seconds = 1
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.poll-millis = 50
                %s
                """.formatted(dir.resolve("work"), extra)).withFallback(ConfigFactory.defaultReference()).resolve());
    }

    /** Builds the node (not started) and a client sharing its database. */
    void build(String extra) {
        Settings s = settings(extra);
        node = Node.builder(s).build();
        client = MppClient.create(node.database(), s);
    }

    @AfterEach
    void tearDown() {
        if (node != null) {
            node.close();
        }
    }

    JobView awaitFinished(UUID job) {
        await().atMost(Duration.ofSeconds(60)).until(() -> client.job(job).orElseThrow().finished());
        return client.job(job).orElseThrow();
    }

    @Test
    void theAudioIsEncodedAheadWhileTheSegmentsAreTranscodedAndTheExportCopiesIt() throws IOException {
        build("");
        ControlStore control = new ControlStore(node.database());
        control.setPolicy("exportEnabled", "false");
        Path a = SyntheticMedia.builder().seconds(3).audio(2, 48000).write(dir.resolve("a.mp4"));
        Path mono = SyntheticMedia.builder().seconds(3).audio(1, 48000).write(dir.resolve("mono.mp4"));
        UUID job = client.submit(a, 0);
        node.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> node.phaseTimes().counts().get(PhaseTimes.Phase.AUDIO_AHEAD) == 1
                && client.job(job).orElseThrow().status() == Status.TRANSCODED);
        Path prepared = dir.resolve("work/ingest").resolve(Uuids.hex(job)).resolve("a1/audio-128k.m4a");
        assertThat(prepared).isRegularFile();
        // A track of another source in its place tells whether the export copies the prepared track or encodes its own.
        MediaEngine media = new MediaEngine(settings("").media());
        media.prepareAudio(mono, media.probe(mono, Cancellation.none()), 128, prepared, Cancellation.none());

        control.setPolicy("exportEnabled", "true");
        JobView done = awaitFinished(job);

        assertThat(done.status()).isEqualTo(Status.COMPLETE);
        MediaProbe.Info out = MediaProbe.probe(Path.of(done.deliveredFiles().lines().findFirst().orElseThrow()));
        assertThat(out.audio().orElseThrow().channels()).as("the prepared (substituted) track was copied").isEqualTo(1);
    }

    @Test
    void aSourceIsCutInWholeWavesOfTheClustersTranscodeWorkers() throws IOException {
        build("mpp.media.segment-seconds = 4\nmpp.node.roles.transcode = 2\n");
        Path clip = SyntheticMedia.builder().seconds(12).write(dir.resolve("c.mp4"));
        org.mpp.store.TaskStore tasks = new org.mpp.store.TaskStore(node.database());
        node.start();

        UUID alone = client.submit(clip, 0);
        assertThat(awaitFinished(alone).status()).isEqualTo(Status.COMPLETE);
        assertThat(tasks.segments(alone)).as("this node's 2 workers: two of 6 s, not three of 4 s").hasSize(2);

        NodeStore nodes = new NodeStore(node.database());
        nodes.register(UUID.randomUUID(), "other", "ingest=0,transcode=2,export=0", "test");
        UUID unauthorised = UUID.randomUUID();
        nodes.register(unauthorised, "paused", "transcode=8", "test");
        nodes.setAuthorised(unauthorised.toString(), false);
        UUID cluster = client.submit(clip, 0);
        assertThat(awaitFinished(cluster).status()).isEqualTo(Status.COMPLETE);
        assertThat(tasks.segments(cluster)).as("4 workers in the cluster that take work: four of 3 s").hasSize(4);
    }

    @Test
    void submittedFilesComeOutAsRenditionsAndTheWorkFoldersAreCleaned() throws IOException {
        build("");
        Path a = SyntheticMedia.builder().seconds(3).write(dir.resolve("a.mp4"));
        UUID job = client.submit(a, 0);
        node.start();

        JobView done = awaitFinished(job);

        assertThat(done.status()).isEqualTo(Status.COMPLETE);
        assertThat(done.progress()).isEqualTo(1.0);
        assertThat(done.dateCompleted()).isNotNull();
        List<Path> delivered = done.deliveredFiles().lines().map(Path::of).toList();
        Path export = dir.resolve("work/export").resolve(Uuids.hex(job)).toAbsolutePath();
        assertThat(delivered).as("the rendition, then the streaming package's manifests")
                .containsExactly(export.resolve("a720p30.mp4"), export.resolve("a-stream/master.m3u8"), export.resolve("a-stream/manifest.mpd"));
        assertThat(delivered).allSatisfy(p -> assertThat(p).isRegularFile());
        assertThat(export.resolve("a-stream/video-720p30/init.mp4")).isRegularFile();
        assertThat(export.resolve("a-stream/audio-128k/00001.m4s")).isRegularFile();
        try (var hidden = Files.list(export)) {
            assertThat(hidden.filter(p -> p.getFileName().toString().startsWith("."))).as("no temporary left").isEmpty();
        }
        // The node cleans up right after it marks the job complete.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(dir.resolve("work/source/a.mp4")).doesNotExist();
            assertThat(dir.resolve("work/ingest").resolve(Uuids.hex(job))).doesNotExist();
            assertThat(dir.resolve("work/transcode").resolve(Uuids.hex(job))).doesNotExist();
        });
        assertThat(a).as("the original outside the source folder is untouched").exists();
    }

    @Test
    void aNodeShowsTheSeedInterfaceItIsBusyWithAJobWhileItWorksAndIdleAfter() throws IOException {
        build("");
        NodeStore nodes = new NodeStore(node.database());
        Path a = SyntheticMedia.builder().seconds(6).write(dir.resolve("a.mp4"));
        UUID job = client.submit(a, 0);
        node.start();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> nodes.list().stream()
                .anyMatch(n -> n.uuid().equals(node.id()) && n.active() && job.equals(n.job())));
        awaitFinished(job);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(nodes.list()).singleElement().satisfies(n -> {
            assertThat(n.active()).isFalse();
            assertThat(n.job()).isNull();
        }));
    }

    @Test
    void aJobInsertedWithPlainSqlIsPickedUp() throws IOException {
        build("");
        Files.createDirectories(dir.resolve("work/source"));
        SyntheticMedia.builder().seconds(1).write(dir.resolve("work/source/sql.mp4"));
        node.database().dsl().execute("INSERT INTO job (sourceName, dateAdded) VALUES ('sql.mp4', CURRENT_TIMESTAMP)");
        node.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> client.job(jobs().get(0).uuid() == null ? UUID.randomUUID() : jobs().get(0).uuid())
                .map(JobView::finished).orElse(false));

        assertThat(jobs().get(0).status()).isEqualTo(Status.COMPLETE);
    }

    List<JobView> jobs() {
        return new org.mpp.store.JobStore(node.database()).list(10);
    }

    @Test
    void anIdleNodeStopsAtOnceNotAtItsNextHeartbeatOrPoll() throws IOException {
        build("mpp.node.heartbeat-seconds = 10\nmpp.node.lease-seconds = 45\nmpp.node.poll-millis = 10000");
        NodeStore nodes = new NodeStore(node.database());
        node.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.list().stream().anyMatch(n -> n.uuid().equals(node.id())));

        long t0 = System.nanoTime();
        node.close();
        double seconds = (System.nanoTime() - t0) / 1e9;

        // Before: the heartbeat slept out its 10 s and idle workers their 10 s poll (mpp run of a 1 s clip spent 2.5 s here).
        assertThat(seconds).as("seconds to stop an idle node").isLessThan(2.0);
    }

    @Test
    void aNodeClosedTheMomentItsLastTaskEndsStopsAtOnce() throws Exception {
        build("mpp.node.heartbeat-seconds = 10\nmpp.node.lease-seconds = 45\nmpp.node.poll-millis = 10000");
        UUID job = client.submit(SyntheticMedia.builder().seconds(1).write(dir.resolve("last.mp4")), 0);
        node.start();
        node.wake();
        // As mpp run does: woken when a task ends, look, and close as soon as the job is done. The export worker is then
        // between its empty claim and its wait: the stop's wake came before the wait and was lost (mpp run of a 1 s clip
        // waited out the rest of a 0.5 s poll here).
        JobView done;
        Node.ChangeWaiter changes = node.changeWaiter();
        while (!(done = client.job(job).orElseThrow()).finished()) {
            changes.await(Duration.ofMillis(200));
        }
        long t0 = System.nanoTime();
        node.close();
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(done.status()).as("status (%s)", done.failureReason()).isEqualTo(Status.COMPLETE);
        assertThat(seconds).as("seconds to stop the node after its last task").isLessThan(2.0);
    }

    @Test
    void aWatchInTheNodesProcessIsWokenByEachProgressWriteNotOnlyAtTaskEnds() throws Exception {
        // One segment: the only task ends are the ingest's (progress 0.1), the segment's (0.9) and the export's.
        build("mpp.node.roles.transcode = 1\nmpp.media.segment-seconds = 60");
        // Its segment must span several of the progress writer's one-second rounds, on a fast machine too: an 8 s 720p clip
        // took 3 s in all on one, and its segment, encoded between two rounds, showed no progress.
        UUID job = client.submit(SyntheticMedia.builder().size(1920, 1080).seconds(12).write(dir.resolve("watched.mp4")), 0);
        Node.ChangeWaiter changes = node.changeWaiter();
        node.start();
        node.wake();
        List<Double> seen = new ArrayList<>();
        JobView v;
        long t0 = System.nanoTime();
        while (!(v = client.job(job).orElseThrow()).finished()) {
            seen.add(v.progress());
            // Far longer than the job: a wait ends only when the node wakes it.
            changes.await(Duration.ofSeconds(120));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(v.status()).as("status (%s)", v.failureReason()).isEqualTo(Status.COMPLETE);
        assertThat(seconds).as("seconds to the end, waiting only on wakes").isLessThan(60);
        // Before, the watch was woken only when a task ended, and saw no progress of the segment while it ran.
        assertThat(seen).as("progress seen in %.1f s", seconds).anyMatch(p -> p > 0.1 && p < 0.9);
    }

    @Test
    void anIdleNodeLooksForWorkWithOneStatementAPollAndClaimsOnlyWhenThereIsSome() throws Exception {
        Settings s = settings("""
                mpp.node.poll-millis = 100
                mpp.node.heartbeat-seconds = 2
                mpp.node.lease-seconds = 30
                mpp.node.roles { ingest = 1, transcode = 2, export = 1 }
                """);
        StatementLog sql = new StatementLog();
        List<StatementLog.Sent> idle;
        double secondsToClaim;
        JobView done;
        try (org.mpp.store.Database db = org.mpp.store.Database.open(s.db(), s.work().dir())) {
            node = Node.builder(s).dataSource(sql.wrap(db.dataSource())).build();
            client = MppClient.create(db, s);
            node.start();
            Thread.sleep(1000);
            sql.clear();
            Thread.sleep(2000);
            idle = sql.sent();
            // As another process submits: nothing wakes this node; its next look finds the job.
            Path file = SyntheticMedia.builder().seconds(1).write(dir.resolve("elsewhere.mp4"));
            long t0 = System.nanoTime();
            UUID job = client.submit(file, 0);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> client.job(job).orElseThrow().status() != Status.IMPORTED);
            secondsToClaim = (System.nanoTime() - t0) / 1e9;
            done = awaitFinished(job);
            node.close();
            node = null;
        }

        assertThat(done.status()).as("status (%s)", done.failureReason()).isEqualTo(Status.COMPLETE);
        // Before, each of the four idle workers ran a claim (SELECT ... FOR UPDATE in a transaction) at every poll: 80 in 2 s.
        assertThat(idle).as("claims of an idle node in 2 s").noneMatch(x -> x.sql().toLowerCase(java.util.Locale.ROOT).contains("for update"));
        assertThat(idle.stream().filter(x -> x.thread().startsWith("mpp-scout")).count()).as("looks for work in 2 s, one a poll").isBetween(10L, 25L);
        assertThat(secondsToClaim).as("seconds from another process's submit to the ingest's claim").isLessThan(1.0);
    }

    @Test
    void formatsWithoutMp4DeliverOnlyThePackageAndKeepNoMp4() throws IOException {
        build("mpp.packaging.formats = [dash]\nmpp.work.delivery-dir = \"" + dir.resolve("delivery") + "\"");
        UUID job = client.submit(SyntheticMedia.builder().seconds(1).write(dir.resolve("d.mp4")), 0);
        node.start();

        JobView done = awaitFinished(job);

        assertThat(done.status()).as("status (%s)", done.failureReason()).isEqualTo(Status.COMPLETE);
        assertThat(done.deliveredFiles()).isEqualTo(dir.resolve("delivery/d-stream/manifest.mpd").toAbsolutePath().toString());
        assertThat(dir.resolve("delivery/d-stream/master.m3u8")).as("no HLS asked for").doesNotExist();
        assertThat(dir.resolve("delivery/d720p30.mp4")).doesNotExist();
        assertThat(dir.resolve("work/export").resolve(Uuids.hex(job)).resolve("d720p30.mp4")).as("the MP4 the package was cut from")
                .doesNotExist();
    }

    @Test
    void aDeliveryFolderGetsACopy() throws IOException {
        build("mpp.work.delivery-dir = \"" + dir.resolve("delivery") + "\"");
        UUID job = client.submit(SyntheticMedia.builder().seconds(1).write(dir.resolve("d.mp4")), 0);
        node.start();

        JobView done = awaitFinished(job);

        Path delivery = dir.resolve("delivery").toAbsolutePath();
        assertThat(done.deliveredFiles().lines()).containsExactly(delivery.resolve("d720p30.mp4").toString(),
                delivery.resolve("d-stream/master.m3u8").toString(), delivery.resolve("d-stream/manifest.mpd").toString());
        assertThat(dir.resolve("delivery/d720p30.mp4")).isRegularFile();
        assertThat(dir.resolve("delivery/d-stream/video-720p30/00001.m4s")).isRegularFile();
        try (var hidden = Files.list(delivery)) {
            assertThat(hidden.filter(p -> p.getFileName().toString().startsWith("."))).as("no temporary copy left").isEmpty();
        }
    }

    @Test
    void aCompletedJobLeavesANewFilePutUnderItsSourcesNameSinceItsIngest() throws IOException {
        // The export deleted the file under the source's name if it was unchanged during the export only: a new upload put
        // there between the ingest and the export was deleted as the completed job's source.
        build("");
        ControlStore control = new ControlStore(node.database());
        control.setPolicy("exportEnabled", "false");
        UUID job = client.submit(SyntheticMedia.builder().seconds(2).write(dir.resolve("clip.mp4")), 0);
        node.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.job(job).orElseThrow().status() == Status.TRANSCODED);
        Path source = dir.resolve("work/source/clip.mp4");
        Files.delete(source);
        SyntheticMedia.builder().seconds(1).write(source);
        long newSize = Files.size(source);

        control.setPolicy("exportEnabled", "true");

        assertThat(awaitFinished(job).status()).isEqualTo(Status.COMPLETE);
        assertThat(source).as("the new upload").isRegularFile();
        assertThat(Files.size(source)).isEqualTo(newSize);
    }

    @Test
    void aFailedJobLeavesANewFilePutUnderItsSourcesNameSinceItsIngestOutOfQuarantine() throws IOException {
        // A failed job's quarantine moved whatever file held its source's name, a new upload put there since as well.
        build("");
        ControlStore control = new ControlStore(node.database());
        control.setPolicy("transcodeEnabled", "false");
        control.setPolicy("failureTolerance", "1");
        UUID job = client.submit(SyntheticMedia.builder().seconds(2).write(dir.resolve("clip.mp4")), 0);
        node.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.job(job).orElseThrow().status() == Status.TRANSCODING);
        Path source = dir.resolve("work/source/clip.mp4");
        Files.delete(source);
        Files.writeString(source, "a new upload under the same name");
        // The job then fails: its cut segments are gone from the work folder.
        try (var files = Files.walk(dir.resolve("work/ingest").resolve(Uuids.hex(job)))) {
            for (Path segment : files.filter(f -> f.toString().endsWith(".mkv")).toList()) {
                Files.delete(segment);
            }
        }

        control.setPolicy("transcodeEnabled", "true");

        assertThat(awaitFinished(job).status()).isEqualTo(Status.FAILED);
        assertThat(source).as("the new upload").hasContent("a new upload under the same name");
        Path quarantine = dir.resolve("work/quarantine");
        if (Files.isDirectory(quarantine)) {
            try (var files = Files.list(quarantine)) {
                assertThat(files).as("quarantined").isEmpty();
            }
        }
    }

    @Test
    void aBadUploadFailsItsJobAndIsQuarantinedWhileOthersComplete() throws IOException {
        build("");
        UUID bad = client.submit(BadMedia.randomBytes(dir.resolve("bad.mp4"), 20_000), 0);
        UUID good = client.submit(SyntheticMedia.builder().seconds(1).write(dir.resolve("good.mp4")), 0);
        node.start();

        JobView failed = awaitFinished(bad);
        JobView ok = awaitFinished(good);

        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.failureReason()).contains("bad.mp4").contains("not a media file");
        assertThat(dir.resolve("work/quarantine").resolve(Uuids.hex(bad) + "-bad.mp4")).isRegularFile();
        assertThat(ok.status()).isEqualTo(Status.COMPLETE);
    }

    @Test
    void aSourceNameEscapingTheSourceFolderIsRefused() throws IOException {
        build("");
        Files.writeString(dir.resolve("work/secret.txt"), "keep me");
        node.database().dsl().execute("INSERT INTO job (sourceName, dateAdded) VALUES ('../secret.txt', CURRENT_TIMESTAMP)");
        node.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> !jobs().isEmpty() && jobs().get(0).finished());

        assertThat(jobs().get(0).status()).isEqualTo(Status.FAILED);
        assertThat(jobs().get(0).failureReason()).contains("refused");
        assertThat(dir.resolve("work/secret.txt")).hasContent("keep me");
    }

    @Test
    void aPausedJobWaitsUntilResumed() throws IOException {
        build("");
        UUID job = client.submit(SyntheticMedia.builder().seconds(1).write(dir.resolve("p.mp4")), 0);
        new org.mpp.store.JobStore(node.database()).setPaused(job, true);
        node.start();

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> client.job(job).orElseThrow().status() == Status.IMPORTED);
        new org.mpp.store.JobStore(node.database()).setPaused(job, false);

        assertThat(awaitFinished(job).status()).isEqualTo(Status.COMPLETE);
    }

    @Test
    void stoppingANodeMidTranscodeReleasesItsWorkWithoutCountingAFailure() throws IOException {
        build("mpp.node.roles.transcode = 1");
        UUID job = client.submit(SyntheticMedia.builder().size(640, 360).seconds(8).write(dir.resolve("long.mp4")), 0);
        node.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.job(job).orElseThrow().status() == Status.TRANSCODING
                && client.job(job).orElseThrow().progress() > 0.15);

        node.close();

        build("");
        var tasks = node.database().dsl().fetch("SELECT status, failures FROM transcodeJob");
        assertThat(tasks).isNotEmpty().allSatisfy(r -> {
            assertThat(r.get("failures", Integer.class)).isZero();
            assertThat(r.get("status", Integer.class)).isIn(Status.READY, Status.COMPLETED);
        });
        assertThat(new org.mpp.store.NodeStore(node.database()).list()).as("the stopped node unregistered").isEmpty();
        node.start();
        assertThat(awaitFinished(job).status()).isEqualTo(Status.COMPLETE);
    }
}
