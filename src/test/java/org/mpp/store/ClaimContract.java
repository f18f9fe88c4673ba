package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * Claims (priority, then age; never twice; pauses and backoffs respected; locks no wider than needed) and fencing (a
 * stale or foreign claim cannot write).
 */
interface ClaimContract extends StoreContract {
    // ---- claims --------------------------------------------------------------------------------------------------

    @Test
    default void aSubmittedJobIsImportedWithOneReadyIngestTask() {
        UUID job = jobs().submit("talk.mov", 0);

        assertThat(f().jobStatus(job)).isEqualTo(Status.IMPORTED);
        assertThat(f().taskStatuses(Stage.INGEST, job)).containsExactly(Status.READY);
    }

    @Test
    default void claimsTakeTheHighestPriorityFirstThenTheOldest() {
        UUID old = jobs().submit("old.mp4", 0);
        UUID young = jobs().submit("young.mp4", 0);
        UUID urgent = jobs().submit("urgent.mp4", 5);

        assertThat(f().claimOne(Stage.INGEST, nodeA()).job()).isEqualTo(urgent);
        assertThat(f().claimOne(Stage.INGEST, nodeA()).job()).isEqualTo(old);
        assertThat(f().claimOne(Stage.INGEST, nodeA()).job()).isEqualTo(young);
        assertThat(tasks().claim(Stage.INGEST, nodeA(), 1, StoreFixture.LEASE)).isEmpty();
    }

    @Test
    default void aClaimedTaskIsNotClaimedAgain() {
        f().aJob().withSegments(3).create();

        List<Claim> first = tasks().claim(Stage.TRANSCODE, nodeA(), 2, StoreFixture.LEASE);
        List<Claim> second = tasks().claim(Stage.TRANSCODE, nodeB(), 5, StoreFixture.LEASE);

        assertThat(first).hasSize(2);
        assertThat(second).hasSize(1);
        assertThat(second.get(0).taskId()).isNotIn(first.stream().map(Claim::taskId).toList());
        assertThat(tasks().claim(Stage.TRANSCODE, nodeB(), 5, StoreFixture.LEASE)).isEmpty();
    }

    @Test
    default void aClaimCarriesTheSegmentAndStartsTheFirstAttempt() {
        UUID job = f().aJob().withSegments(2).create();

        Claim c = f().claimOne(Stage.TRANSCODE, nodeA());

        assertThat(c.job()).isEqualTo(job);
        assertThat(c.node()).isEqualTo(nodeA());
        assertThat(c.attempt()).isEqualTo(1);
        assertThat(c.segmentPart()).isZero();
        assertThat(c.segmentInfo()).isEqualTo("{\"part\":0}");
        var row = f().task(Stage.TRANSCODE, c.taskId());
        assertThat(row.get(Stage.TRANSCODE.t.status())).isEqualTo(Status.RUNNING);
        assertThat(Uuids.uuid(row.get(Stage.TRANSCODE.t.node()))).isEqualTo(nodeA());
        assertThat(row.get(Stage.TRANSCODE.t.leaseUntil())).isAfter(f().dbNow().plusMinutes(4));
    }

    @Test
    default void tasksOfAPausedJobAreNotClaimedUntilItResumes() {
        UUID paused = jobs().submit("paused.mp4", 9);
        UUID other = jobs().submit("other.mp4", 0);
        assertThat(jobs().setPaused(paused, true)).isTrue();

        assertThat(f().claimOne(Stage.INGEST, nodeA()).job()).isEqualTo(other);
        assertThat(tasks().claim(Stage.INGEST, nodeA(), 5, StoreFixture.LEASE)).isEmpty();
        assertThat(jobs().job(paused).orElseThrow().paused()).isTrue();

        assertThat(jobs().setPaused(paused, false)).isTrue();
        assertThat(f().claimOne(Stage.INGEST, nodeA()).job()).isEqualTo(paused);
    }

    @Test
    default void segmentsAndExportsOfAPausedJobArePausedToo() {
        UUID job = jobs().submit("clip.mp4", 0);
        Claim ingest = f().claimOne(Stage.INGEST, nodeA());
        jobs().setPaused(job, true);
        tasks().completeIngest(ingest, "{}", List.of("{}", "{}"));

        assertThat(tasks().claim(Stage.TRANSCODE, nodeA(), 5, StoreFixture.LEASE)).isEmpty();

        jobs().setPaused(job, false);
        List<Claim> segments = tasks().claim(Stage.TRANSCODE, nodeA(), 5, StoreFixture.LEASE);
        assertThat(segments).hasSize(2);
        jobs().setPaused(job, true);
        segments.forEach(tasks()::completeTranscode);

        assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODED);
        assertThat(tasks().claim(Stage.EXPORT, nodeA(), 5, StoreFixture.LEASE)).isEmpty();
        jobs().setPaused(job, false);
        assertThat(f().claimOne(Stage.EXPORT, nodeA()).job()).isEqualTo(job);
    }

    @Test
    default void aFailedTaskWaitsForItsBackoffBeforeItIsClaimedAgain() {
        f().aJob().withSegments(1).create();
        Claim c = f().claimOne(Stage.TRANSCODE, nodeA());

        assertThat(tasks().fail(c, "encoder hiccup", false, 3)).isEqualTo(TaskStore.Outcome.RETRY);

        var row = f().task(Stage.TRANSCODE, c.taskId());
        assertThat(row.get(Stage.TRANSCODE.t.status())).isEqualTo(Status.READY);
        assertThat(row.get(Stage.TRANSCODE.t.availableAt())).isAfter(f().dbNow().plusNanos(500_000_000L));
        assertThat(tasks().claim(Stage.TRANSCODE, nodeB(), 5, StoreFixture.LEASE)).isEmpty();

        f().skipBackoff(Stage.TRANSCODE, c.taskId());
        Claim again = f().claimOne(Stage.TRANSCODE, nodeB());
        assertThat(again.taskId()).isEqualTo(c.taskId());
        assertThat(again.attempt()).isEqualTo(2);
    }

    @Test
    default void aLookForWorkFindsTheStagesWhoseTasksAClaimWouldTakeNow() {
        List<Stage> all = List.of(Stage.values());
        assertThat(tasks().claimable(all)).as("nothing queued").isEmpty();
        UUID paused = jobs().submit("paused.mp4", 0);
        jobs().setPaused(paused, true);
        assertThat(tasks().claimable(all)).as("a paused job's ingest").isEmpty();
        jobs().setPaused(paused, false);
        assertThat(tasks().claimable(all)).as("the job resumed").containsExactly(Stage.INGEST);
        f().claimOne(Stage.INGEST, nodeA());

        f().aJob().withSegments(1).create();
        assertThat(tasks().claimable(all)).as("a segment queued").containsExactly(Stage.TRANSCODE);
        assertThat(tasks().claimable(List.of(Stage.INGEST, Stage.EXPORT))).as("only the stages asked about").isEmpty();
        Claim c = f().claimOne(Stage.TRANSCODE, nodeA());
        assertThat(tasks().claimable(all)).as("the segment claimed").isEmpty();
        tasks().fail(c, "encoder hiccup", false, 3);
        assertThat(tasks().claimable(all)).as("the segment in its backoff").isEmpty();
        f().skipBackoff(Stage.TRANSCODE, c.taskId());
        assertThat(tasks().claimable(all)).as("the backoff over").containsExactly(Stage.TRANSCODE);
    }

    @Test
    default void whileOneClaimHoldsItsRowsAnotherClaimTakesTheNextTask() throws Exception {
        f().aJob().withSegments(3).create();
        var t = Stage.TRANSCODE.t;
        // A claimer stuck inside its claim transaction holds what it locked: it must lock only the row it takes, so
        // that the others skip that one and get the rest (instead of waiting, or coming back empty).
        try (Connection c = f().db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            List<Long> held = tasks().lockReady(DSL.using(c, f().db.dialect()), Stage.TRANSCODE, 1).stream().map(r -> r.get(t.id())).toList();
            assertThat(held).hasSize(1);

            List<Claim> others = tasks().claim(Stage.TRANSCODE, nodeB(), 5, StoreFixture.LEASE);

            assertThat(others).extracting(Claim::taskId).doesNotContain(held.get(0));
            if (claimLocksOnlyTheRowsItTakes()) {
                assertThat(others).hasSize(2);
            }
            c.rollback();
        }
    }

    // ---- fencing -------------------------------------------------------------------------------------------------

    @Test
    default void aStaleAttemptCannotProgressCompleteOrFail() {
        f().aJob().withSegments(1).create();
        Claim real = f().claimOne(Stage.TRANSCODE, nodeA());
        Claim stale = new Claim(real.stage(), real.taskId(), real.job(), real.node(), real.attempt() - 1, real.segmentPart(),
                real.segmentInfo());

        assertThat(tasks().progress(stale, 0.5)).isFalse();
        assertThat(tasks().stillHeld(stale)).isFalse();
        assertThatThrownBy(() -> tasks().completeTranscode(stale)).isInstanceOf(LostClaimException.class)
                .hasMessageContaining("attempt " + stale.attempt());
        assertThatThrownBy(() -> tasks().fail(stale, "boom", false, 3)).isInstanceOf(LostClaimException.class);

        assertThat(f().taskStatus(Stage.TRANSCODE, real.taskId())).isEqualTo(Status.RUNNING);
        assertThat(f().task(Stage.TRANSCODE, real.taskId()).get(Stage.TRANSCODE.t.failures())).isZero();
        assertThat(tasks().progress(real, 0.5)).isTrue();
        assertThat(tasks().completeTranscode(real)).isTrue();
    }

    @Test
    default void aClaimOfAnotherNodeCannotBeWrittenWithTheRightAttempt() {
        f().aJob().withSegments(1).create();
        Claim real = f().claimOne(Stage.TRANSCODE, nodeA());
        Claim impostor = new Claim(real.stage(), real.taskId(), real.job(), nodeB(), real.attempt(), real.segmentPart(),
                real.segmentInfo());

        assertThat(tasks().progress(impostor, 0.9)).isFalse();
        assertThatThrownBy(() -> tasks().completeTranscode(impostor)).isInstanceOf(LostClaimException.class);
    }

    @Test
    default void afterAnotherNodeReclaimsAnExpiredTaskTheOldClaimIsDead() {
        f().aJob().withSegments(1).create();
        Claim old = f().claimOne(Stage.TRANSCODE, nodeA(), TINY_LEASE);
        List<TaskStore.Recovered> recovered = awaitRecovery(3);
        assertThat(recovered).singleElement().satisfies(r -> assertThat(r.taskId()).isEqualTo(old.taskId()));
        f().skipBackoff(Stage.TRANSCODE, old.taskId());
        Claim reclaimed = f().claimOne(Stage.TRANSCODE, nodeB());

        assertThat(reclaimed.taskId()).isEqualTo(old.taskId());
        assertThat(reclaimed.attempt()).isGreaterThan(old.attempt());
        assertThat(tasks().progress(old, 0.7)).isFalse();
        assertThat(tasks().stillHeld(old)).isFalse();
        assertThatThrownBy(() -> tasks().completeTranscode(old)).isInstanceOf(LostClaimException.class);
        assertThatThrownBy(() -> tasks().fail(old, "late", false, 3)).isInstanceOf(LostClaimException.class);
        tasks().release(old);

        assertThat(tasks().stillHeld(reclaimed)).isTrue();
        assertThat(tasks().completeTranscode(reclaimed)).isTrue();
    }

    @Test
    default void theSameNodeReclaimingATaskStillFencesOffItsOwnOldAttempt() {
        f().aJob().withSegments(1).create();
        Claim old = f().claimOne(Stage.TRANSCODE, nodeA(), TINY_LEASE);
        awaitRecovery(3);
        f().skipBackoff(Stage.TRANSCODE, old.taskId());
        Claim reclaimed = f().claimOne(Stage.TRANSCODE, nodeA());

        assertThatThrownBy(() -> tasks().completeTranscode(old)).isInstanceOf(LostClaimException.class);
        assertThat(tasks().completeTranscode(reclaimed)).isTrue();
    }
}
