package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import org.mpp.store.Uuids;
import org.mpp.testmedia.SyntheticMedia;

/**
 * Issue 11, section 5: file names read back from the database are never trusted as paths. A transcode task's row is
 * edited with plain SQL, as anyone with access to the database could, to name {@code ../../x}; the stage must fail the
 * job as bad input with a reason naming the row's value, and touch nothing outside the job's folders.
 */
class StoredNamesTest {
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
    void aSegmentFileNameEditedToLeaveTheJobsFolderFailsTheTranscodeAsBadInput() throws IOException {
        n = new NodeOnMariaDb(dir, "");
        n.control.setPolicy("transcodeEnabled", "false");
        UUID job = n.client.submit(SyntheticMedia.builder().seconds(1).write(dir.resolve("clip.mp4")), 0);
        n.start();
        n.awaitJob(job, j -> j.status() == Status.TRANSCODING && j.progress() >= 0);
        // A segment elsewhere, where '../../x' from the job's segment folder (ingest/<uuid>/a1/) points: a node that
        // follows the name reads it as if it were the job's.
        Path planted = Files.copy(n.work.resolve("ingest").resolve(Uuids.hex(job)).resolve("a1/segment-00000.mkv"),
                n.work.resolve("ingest/x"));
        int edited = n.db.dsl().execute("UPDATE transcodeJob SET segmentInfo = REPLACE(segmentInfo, '\"segment-00000.mkv\"', '\"../../x\"')");
        assertThat(edited).as("rows edited").isEqualTo(1);

        n.control.setPolicy("transcodeEnabled", "true");
        JobView failed = n.awaitFinished(job);

        assertThat(failed.status()).as("status (%s)", failed.failureReason()).isEqualTo(Status.FAILED);
        assertThat(failed.failureReason()).contains("'../../x'", "segment file name");
        assertThat(n.work.resolve("transcode").resolve(Uuids.hex(job))).as("nothing encoded from the planted file").doesNotExist();
        assertThat(planted).exists();
    }

    @Test
    void aRenditionFileNameEditedToLeaveTheExportFolderFailsTheExportAsBadInput() throws IOException {
        n = new NodeOnMariaDb(dir, "");
        n.control.setPolicy("exportEnabled", "false");
        UUID job = n.client.submit(SyntheticMedia.builder().seconds(1).write(dir.resolve("clip.mp4")), 0);
        n.start();
        n.awaitJob(job, j -> j.status() == Status.TRANSCODED);
        int edited = n.db.dsl().execute("UPDATE transcodeJob SET segmentInfo = REPLACE(segmentInfo, '\"clip720p30.mp4\"', '\"../../x\"')");
        assertThat(edited).as("rows edited").isPositive();

        n.control.setPolicy("exportEnabled", "true");
        JobView failed = n.awaitFinished(job);

        assertThat(failed.status()).as("status (%s)", failed.failureReason()).isEqualTo(Status.FAILED);
        assertThat(failed.failureReason()).contains("'../../x'", "rendition file name");
        // '../../x' from export/<uuid>/ is the work folder's own root.
        assertThat(n.work.resolve("x")).as("written outside the job's export folder").doesNotExist();
        assertThat(failed.deliveredFiles()).isNull();
    }
}
