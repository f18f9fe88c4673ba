package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mpp.store.schema.Tables.JOB;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Segments queued while their ingest goes on ({@link TaskStore#queueSegment}): claimable at once, the job still ingesting
 * until the ingest completes, the export queued only once both the ingest and every segment are done, and the early
 * segments of an ingest that stops short dropped with their attempt counters kept.
 */
interface PipelinedIngestContract extends StoreContract {
    String INFO = "{\"duration\":30}";

    @Test
    default void segmentsQueuedDuringTheIngestAreClaimedWhileTheJobStaysIngesting() {
        UUID job = jobs().submit("long.mp4", 0);
        Claim ingest = f().claimOne(Stage.INGEST, nodeA());

        tasks().queueSegment(ingest, INFO, 0, "{\"part\":0}");
        tasks().queueSegment(ingest, INFO, 1, "{\"part\":1}");
        tasks().queueSegment(ingest, INFO, 1, "{\"part\":1}");

        assertThat(f().jobStatus(job)).isEqualTo(Status.INGESTING);
        assertThat(jobs().job(job).orElseThrow().mediaInfo()).as("the transcodes read it").isEqualTo(INFO);
        List<Claim> early = tasks().claim(Stage.TRANSCODE, nodeB(), 10, StoreFixture.LEASE);
        assertThat(early).extracting(Claim::segmentPart).containsExactly(0, 1);
        assertThat(tasks().completeTranscode(early.get(0))).isFalse();
        assertThat(tasks().completeTranscode(early.get(1))).as("the ingest has not ended: more segments may come").isFalse();
        assertThat(f().jobStatus(job)).isEqualTo(Status.INGESTING);
        assertThat(f().count(Stage.EXPORT, job)).isZero();

        assertThat(tasks().completeIngest(ingest, INFO, List.of("{\"part\":0}", "{\"part\":1}", "{\"part\":2}"))).isFalse();

        assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODING);
        assertThat(f().count(Stage.TRANSCODE, job)).as("the queued segments are not inserted twice").isEqualTo(3);
        assertThat(f().jobRow(job).get(JOB.SEGMENTS)).isEqualTo(3);
        Claim last = f().claimOne(Stage.TRANSCODE, nodeB());
        assertThat(last.segmentPart()).isEqualTo(2);
        assertThat(tasks().completeTranscode(last)).isTrue();
        assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODED);
        assertThat(f().count(Stage.EXPORT, job)).isEqualTo(1);
    }

    @Test
    default void anIngestThatEndsAfterEverySegmentIsEncodedQueuesTheExport() {
        UUID job = jobs().submit("short.mp4", 0);
        Claim ingest = f().claimOne(Stage.INGEST, nodeA());
        tasks().queueSegment(ingest, INFO, 0, "{\"part\":0}");
        tasks().queueSegment(ingest, INFO, 1, "{\"part\":1}");
        for (Claim c : tasks().claim(Stage.TRANSCODE, nodeB(), 10, StoreFixture.LEASE)) {
            assertThat(tasks().completeTranscode(c)).isFalse();
        }

        assertThat(tasks().completeIngest(ingest, INFO, List.of("{\"part\":0}", "{\"part\":1}"))).isTrue();

        assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODED);
        assertThat(f().count(Stage.EXPORT, job)).isEqualTo(1);
        assertThat(jobs().job(job).orElseThrow().progress()).isEqualTo(0.9);
    }

    @Test
    default void anIngestThatFailsDropsTheSegmentsItQueuedAndTheirEncodesLoseTheirClaims() {
        UUID job = jobs().submit("broken.mp4", 0);
        Claim ingest = f().claimOne(Stage.INGEST, nodeA());
        tasks().queueSegment(ingest, INFO, 0, "{\"part\":0}");
        Claim encoding = f().claimOne(Stage.TRANSCODE, nodeB());

        assertThat(tasks().fail(ingest, "the disk went away", false, 5)).isEqualTo(TaskStore.Outcome.RETRY);

        assertThat(f().jobStatus(job)).isEqualTo(Status.IMPORTED);
        assertThat(f().count(Stage.TRANSCODE, job)).isZero();
        assertThatThrownBy(() -> tasks().completeTranscode(encoding)).isInstanceOf(LostClaimException.class);
        assertThatThrownBy(() -> tasks().queueSegment(ingest, INFO, 1, "{\"part\":1}")).isInstanceOf(LostClaimException.class);
        assertThat(f().count(Stage.TRANSCODE, job)).isZero();

        f().skipBackoff(Stage.INGEST, ingest.taskId());
        Claim again = f().claimOne(Stage.INGEST, nodeA());
        tasks().queueSegment(again, INFO, 0, "{\"part\":0}");
        Claim next = f().claimOne(Stage.TRANSCODE, nodeB());
        assertThat(next.attempt()).as("the fencing token of the dropped row is not issued again").isGreaterThan(encoding.attempt());
    }

    @Test
    default void anIngestWhoseLeaseExpiredLosesTheSegmentsItQueued() {
        UUID job = jobs().submit("frozen.mp4", 0);
        Claim ingest = f().claimOne(Stage.INGEST, nodeA(), TINY_LEASE);
        tasks().queueSegment(ingest, INFO, 0, "{\"part\":0}");

        assertThat(awaitRecovery(5)).extracting(TaskStore.Recovered::job).containsExactly(job);

        assertThat(f().jobStatus(job)).isEqualTo(Status.IMPORTED);
        assertThat(f().count(Stage.TRANSCODE, job)).isZero();
    }

    @Test
    default void aFailedJobsQueuedSegmentsAreNeverClaimed() {
        UUID job = jobs().submit("hostile.mp4", 0);
        Claim ingest = f().claimOne(Stage.INGEST, nodeA());
        tasks().queueSegment(ingest, INFO, 0, "{\"part\":0}");

        assertThat(tasks().fail(ingest, "not media", true, 5)).isEqualTo(TaskStore.Outcome.JOB_FAILED);

        assertThat(f().jobStatus(job)).isEqualTo(Status.FAILED);
        assertThat(tasks().claim(Stage.TRANSCODE, nodeB(), 10, StoreFixture.LEASE)).isEmpty();
    }
}
