package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import org.mpp.store.Uuids;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Issue 11, section 4: symbolic links in the source folder are refused, never followed. A job naming a link (or a
 * path through a linked folder) fails as bad input; the link's target, outside the source folder, is neither read
 * into a delivery, nor deleted after an export, nor moved to quarantine. One node on MariaDB.
 */
class SourceLinksTest {
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
    void aSourceThatIsALinkToAFileOutsideFailsAsBadInputAndItsTargetIsUntouched() throws IOException {
        n = new NodeOnMariaDb(dir, "").start();
        Path target = SyntheticMedia.builder().seconds(1).write(Files.createDirectories(dir.resolve("private")).resolve("their.mp4"));
        String hash = DeliveryClashTest.sha256(target);
        Files.createDirectories(n.settings.work().sourceDir());
        Files.createSymbolicLink(n.settings.work().sourceDir().resolve("mine.mp4"), target);
        UUID job = new JobStore(n.db).submit("mine.mp4", 0);

        JobView failed = n.awaitFinished(job);

        assertThat(failed.status()).as("status (%s)", failed.failureReason()).isEqualTo(Status.FAILED);
        assertThat(failed.failureReason()).contains("mine.mp4", "symbolic link");
        assertThat(target).as("the link's target").exists();
        assertThat(DeliveryClashTest.sha256(target)).isEqualTo(hash);
        assertThat(n.work.resolve("export").resolve(Uuids.hex(job))).as("nothing exported").doesNotExist();
        assertThat(linksIn(n.work.resolve("quarantine"))).as("the link itself quarantined, as a link").hasSize(1);
    }

    @Test
    void aSourceInsideALinkedFolderFailsAsBadInputAndNothingThereIsDeletedOrMoved() throws IOException {
        n = new NodeOnMariaDb(dir, "").start();
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path target = SyntheticMedia.builder().seconds(1).write(elsewhere.resolve("clip.mp4"));
        String hash = DeliveryClashTest.sha256(target);
        Files.createDirectories(n.settings.work().sourceDir());
        Files.createSymbolicLink(n.settings.work().sourceDir().resolve("linked"), elsewhere);
        UUID job = new JobStore(n.db).submit("linked/clip.mp4", 0);

        JobView failed = n.awaitFinished(job);

        assertThat(failed.status()).as("status (%s)", failed.failureReason()).isEqualTo(Status.FAILED);
        assertThat(failed.failureReason()).contains("linked/clip.mp4", "symbolic link");
        assertThat(target).as("the file in the linked folder").exists();
        assertThat(DeliveryClashTest.sha256(target)).isEqualTo(hash);
        try (Stream<Path> q = Files.list(n.work.resolve("quarantine"))) {
            assertThat(q.toList()).as("quarantine").isEmpty();
        }
    }

    private static List<Path> linksIn(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isSymbolicLink).toList();
        }
    }
}
