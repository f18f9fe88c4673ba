package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import org.mpp.store.Uuids;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Issue 11, section 4: two jobs whose sources share a stem never overwrite each other's delivered files, and each
 * job's {@code deliveredFiles} names its own rendition (byte for byte the file its export wrote in
 * {@code export/<uuid>/}). One node on MariaDB with a delivery folder.
 */
class DeliveryClashTest {
    @TempDir
    Path dir;
    NodeOnMariaDb n;

    @AfterEach
    void stop() {
        if (n != null) {
            n.close();
        }
    }

    @Test
    void theSameNameTodayAndAgainTomorrowKeepsTodaysDeliveryAndNamesTomorrowsOwn() throws IOException {
        n = new NodeOnMariaDb(dir, "mpp.work.delivery-dir = \"" + dir.resolve("delivery") + "\"").start();
        UUID today = submitAs("talk.mp4", 1);
        JobView first = n.awaitFinished(today);
        assertThat(first.status()).as("first job (%s)", first.failureReason()).isEqualTo(Status.COMPLETE);
        Path todays = Path.of(first.deliveredFiles().lines().findFirst().orElseThrow());
        String todaysHash = sha256(todays);

        UUID tomorrow = submitAs("talk.mp4", 2);
        JobView second = n.awaitFinished(tomorrow);

        assertThat(second.status()).as("second job (%s)", second.failureReason()).isEqualTo(Status.COMPLETE);
        assertThat(todays.getFileName().toString()).isEqualTo("talk720p30.mp4");
        assertThat(sha256(todays)).as("today's delivery, after tomorrow's job").isEqualTo(todaysHash);
        assertOwnDelivery(today);
        assertOwnDelivery(tomorrow);
        String hex8 = Uuids.hex(tomorrow).substring(0, 8);
        assertThat(second.deliveredFiles().lines().map(l -> dir.resolve("delivery").relativize(Path.of(l)).toString()))
                .as("tomorrow's rendition and package, under the names with its UUID")
                .containsExactly("talk720p30-" + hex8 + ".mp4", "talk-stream-" + hex8 + "/master.m3u8", "talk-stream-" + hex8 + "/manifest.mpd");
        assertThat(first.deliveredFiles().lines().map(l -> dir.resolve("delivery").relativize(Path.of(l)).toString()))
                .containsExactly("talk720p30.mp4", "talk-stream/master.m3u8", "talk-stream/manifest.mpd");
    }

    @Test
    void twoFoldersWithTheSameFileNameAtTheSameTimeEachDeliverTheirOwn() throws IOException {
        n = new NodeOnMariaDb(dir, """
                mpp.work.delivery-dir = "%s"
                mpp.node.roles { ingest = 2, transcode = 2, export = 2 }
                """.formatted(dir.resolve("delivery")));
        n.control.setPolicy("exportEnabled", "false");
        UUID a = submitAs("a/talk.mp4", 1);
        UUID b = submitAs("b/talk.mp4", 2);
        n.start();
        n.awaitJob(a, j -> j.status() == Status.TRANSCODED);
        n.awaitJob(b, j -> j.status() == Status.TRANSCODED);

        n.control.setPolicy("exportEnabled", "true");
        n.awaitFinished(a);
        n.awaitFinished(b);

        assertOwnDelivery(a);
        assertOwnDelivery(b);
        assertThat(List.of(n.job(a).deliveredFiles(), n.job(b).deliveredFiles())).doesNotHaveDuplicates();
    }

    @Test
    void twoRungsGivingOneSourceTheSameNameFailTheJobInsteadOfOverwritingEachOther() throws IOException {
        n = new NodeOnMariaDb(dir, "");
        // Beside the seed's 1280x720 rung: a 16:9 source fits it at 1280x720 and this one at 960x540, both "720p30".
        n.control.addOutput(new org.mpp.ladder.OutputSpec(960, 720, 23, "veryfast", "main", 30, 128));
        n.start();
        Path clip = SyntheticMedia.builder().size(1280, 720).seconds(1).write(dir.resolve("clip.mp4"));
        UUID job = n.client.submit(clip, 0);

        JobView failed = n.awaitFinished(job);

        assertThat(failed.status()).as("status (%s; delivered %s)", failed.failureReason(), failed.deliveredFiles()).isEqualTo(Status.FAILED);
        assertThat(failed.failureReason()).contains("two renditions named 'clip720p30.mp4'", "960x720");
        Number segments = (Number) n.db.dsl().fetchValue("SELECT COUNT(*) FROM transcodeJob WHERE fk_jobUUID = ?", (Object) Uuids.bytes(job));
        assertThat(segments.intValue()).as("segments queued").isZero();
    }

    /** Puts a clip of {@code seconds} at {@code name} in the source folder and submits it, as plain SQL would. */
    private UUID submitAs(String name, double seconds) throws IOException {
        Path file = n.settings.work().sourceDir().resolve(name);
        Files.createDirectories(file.getParent());
        SyntheticMedia.builder().seconds(seconds).write(file);
        return new JobStore(n.db).submit(name, 0);
    }

    /** The job completed and its delivered rendition and package hold exactly what its export wrote. */
    private void assertOwnDelivery(UUID job) throws IOException {
        JobView j = n.job(job);
        assertThat(j.status()).as("job %s (%s)", job, j.failureReason()).isEqualTo(Status.COMPLETE);
        List<Path> files = j.deliveredFiles().lines().map(Path::of).toList();
        Path delivered = files.get(0);
        assertThat(delivered.getParent()).isEqualTo(dir.resolve("delivery"));
        Path export = n.work.resolve("export").resolve(Uuids.hex(job));
        Path exported = export.resolve("talk720p30.mp4");
        assertThat(sha256(delivered)).as("%s is job %s's own rendition (SHA-256)", delivered, job).isEqualTo(sha256(exported));
        Path master = files.get(1);
        assertThat(master.getFileName().toString()).isEqualTo("master.m3u8");
        for (String part : List.of("master.m3u8", "video-720p30/00001.m4s", "audio-128k/init.mp4")) {
            assertThat(sha256(master.getParent().resolve(part))).as("%s of job %s's package", part, job)
                    .isEqualTo(sha256(export.resolve("talk-stream").resolve(part)));
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
