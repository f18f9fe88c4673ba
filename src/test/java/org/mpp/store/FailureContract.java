package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mpp.store.schema.Tables.JOB;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Failure counting: retries with a growing backoff until the failure tolerance, permanent failures, and what a failed
 * job does to its other tasks.
 */
interface FailureContract extends StoreContract {
    @Test
    default void aTaskIsRetriedUntilItHasFailedFailureToleranceTimesThenItsJobFails() {
        UUID job = f().aJob().withSegments(1).create();

        List<TaskStore.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Claim c = f().claimOne(Stage.TRANSCODE, nodeA());
            outcomes.add(tasks().fail(c, "x264 said no (" + i + ")", false, 3));
            f().skipBackoff(Stage.TRANSCODE, c.taskId());
        }

        assertThat(outcomes).containsExactly(TaskStore.Outcome.RETRY, TaskStore.Outcome.RETRY, TaskStore.Outcome.JOB_FAILED);
        JobView failed = jobs().job(job).orElseThrow();
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.finished()).isTrue();
        assertThat(failed.failureReason()).contains("failed 3 time(s) in transcode").contains("x264 said no (2)");
        assertThat(f().jobRow(job).get(JOB.FAILED)).isTrue();
        assertThat(tasks().claim(Stage.TRANSCODE, nodeA(), 5, StoreFixture.LEASE)).isEmpty();
    }

    @Test
    default void theBackoffGrowsWithEachFailure() {
        f().aJob().withSegments(1).create();
        Claim first = f().claimOne(Stage.TRANSCODE, nodeA());
        tasks().fail(first, "one", false, 10);
        LocalDateTime firstBackoff = f().task(Stage.TRANSCODE, first.taskId()).get(Stage.TRANSCODE.t.availableAt());
        f().skipBackoff(Stage.TRANSCODE, first.taskId());
        Claim second = f().claimOne(Stage.TRANSCODE, nodeA());
        LocalDateTime failedAt = f().dbNow();
        tasks().fail(second, "two", false, 10);

        LocalDateTime secondBackoff = f().task(Stage.TRANSCODE, first.taskId()).get(Stage.TRANSCODE.t.availableAt());
        assertThat(Duration.between(failedAt, secondBackoff)).isGreaterThan(Duration.ofSeconds(3));
        assertThat(secondBackoff).isAfter(firstBackoff);
    }

    @Test
    default void aPermanentFailureFailsTheJobAtOnce() {
        UUID job = jobs().submit("not-a-video.txt", 0);
        Claim c = f().claimOne(Stage.INGEST, nodeA());

        assertThat(tasks().fail(c, "not a video: no streams", true, 3)).isEqualTo(TaskStore.Outcome.JOB_FAILED);

        JobView failed = jobs().job(job).orElseThrow();
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.failureReason()).isEqualTo("not a video: no streams");
        assertThat(f().task(Stage.INGEST, c.taskId()).get(Stage.INGEST.t.failures())).isEqualTo(1);
    }

    @Test
    default void readySiblingsOfAFailedJobBecomeErrorsAndAreNotClaimed() {
        UUID job = f().aJob().withSegments(3).create();
        UUID other = f().aJob().withSegments(1).create();
        Claim first = f().claimOne(Stage.TRANSCODE, nodeA());
        assertThat(first.job()).as("the oldest segment").isEqualTo(job);

        assertThat(tasks().fail(first, "corrupt segment", true, 3)).isEqualTo(TaskStore.Outcome.JOB_FAILED);

        assertThat(f().taskStatuses(Stage.TRANSCODE, job)).containsOnly(Status.ERROR);
        assertThat(tasks().claim(Stage.TRANSCODE, nodeB(), 10, StoreFixture.LEASE)).extracting(Claim::job).containsExactly(other);
    }

    @Test
    default void aRunningSiblingOfAFailedJobLosesItsClaimAndIsNeverQueuedAgain() {
        UUID job = f().aJob().withSegments(3).create();
        Claim failing = f().claimOne(Stage.TRANSCODE, nodeA());
        Claim sibling = f().claimOne(Stage.TRANSCODE, nodeB());

        tasks().fail(failing, "corrupt segment", true, 3);

        assertThat(tasks().progress(sibling, 0.5)).isFalse();
        assertThatThrownBy(() -> tasks().completeTranscode(sibling)).isInstanceOf(LostClaimException.class);
        assertThatThrownBy(() -> tasks().fail(sibling, "too late", false, 3)).isInstanceOf(LostClaimException.class);
        tasks().release(sibling);
        assertThat(f().taskStatuses(Stage.TRANSCODE, job)).containsOnly(Status.ERROR);
        assertThat(tasks().claim(Stage.TRANSCODE, nodeB(), 10, StoreFixture.LEASE)).isEmpty();
        assertThat(tasks().recoverExpired(3)).isEmpty();
    }

    @Test
    default void anIngestOfAJobFailedByAnOperatorCannotCompleteOrPoisonTheQueue() {
        UUID doomed = jobs().submit("doomed.mp4", 5);
        UUID next = jobs().submit("next.mp4", 0);
        Claim c = f().claimOne(Stage.INGEST, nodeA());
        assertThat(c.job()).isEqualTo(doomed);

        jobs().fail(doomed, "cancelled by operator");

        assertThatThrownBy(() -> tasks().completeIngest(c, "{}", List.of("{}"))).isInstanceOf(LostClaimException.class);
        tasks().release(c);
        assertThat(f().claimOne(Stage.INGEST, nodeB()).job()).isEqualTo(next);
        assertThat(jobs().job(doomed).orElseThrow().failureReason()).isEqualTo("cancelled by operator");
    }
}
