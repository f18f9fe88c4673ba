package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.mpp.store.schema.Tables.JOB;
import static org.mpp.store.schema.Tables.TRANSCODEJOB;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * The pipeline: ingest, N transcodes and one export with the seed's job status codes, progress, redone segments and
 * released or postponed tasks.
 */
interface StageFlowContract extends StoreContract {
    @Test
    default void aJobGoesThroughIngestTranscodeAndExportWithTheSeedStatusCodes() {
        UUID job = jobs().submit("talk.mov", 0);
        assertThat(f().jobStatus(job)).isEqualTo(0);

        Claim ingest = f().claimOne(Stage.INGEST, nodeA());
        assertThat(ingest.segmentPart()).isEqualTo(-1);
        assertThat(f().jobStatus(job)).isEqualTo(1);
        tasks().completeIngest(ingest, "{\"duration\":30}", List.of("{\"part\":0}", "{\"part\":1}", "{\"part\":2}"));
        assertThat(f().jobStatus(job)).isEqualTo(2);
        assertThat(jobs().job(job).orElseThrow().mediaInfo()).isEqualTo("{\"duration\":30}");
        assertThat(f().jobRow(job).get(JOB.SEGMENTS)).isEqualTo(3);
        assertThat(f().taskStatuses(Stage.INGEST, job)).containsExactly(Status.COMPLETED);

        List<Claim> segments = tasks().claim(Stage.TRANSCODE, nodeB(), 10, StoreFixture.LEASE);
        assertThat(segments).extracting(Claim::segmentPart).containsExactly(0, 1, 2);
        assertThat(tasks().completeTranscode(segments.get(0))).isFalse();
        assertThat(tasks().completeTranscode(segments.get(2))).isFalse();
        assertThat(f().jobStatus(job)).isEqualTo(2);
        assertThat(f().count(Stage.EXPORT, job)).isZero();
        assertThat(tasks().completeTranscode(segments.get(1))).isTrue();
        assertThat(f().jobStatus(job)).isEqualTo(3);
        assertThat(f().count(Stage.EXPORT, job)).isEqualTo(1);
        assertThat(tasks().completedSegmentAttempts(job)).containsExactly(1, 1, 1);

        Claim export = f().claimOne(Stage.EXPORT, nodeA());
        assertThat(f().jobStatus(job)).isEqualTo(4);
        tasks().completeExport(export, "talk720p30.mp4\ntalk480p30.mp4");

        JobView done = jobs().job(job).orElseThrow();
        assertThat(done.status()).isEqualTo(5);
        assertThat(done.finished()).isTrue();
        assertThat(done.progress()).isEqualTo(1.0);
        assertThat(done.dateCompleted()).isNotNull();
        assertThat(done.deliveredFiles()).isEqualTo("talk720p30.mp4\ntalk480p30.mp4");
        assertThat(f().jobRow(job).get(JOB.COMPLETED)).isTrue();
        assertThat(f().taskStatuses(Stage.EXPORT, job)).containsExactly(Status.COMPLETED);
    }

    @Test
    default void jobProgressFollowsItsRunningTasks() {
        UUID job = jobs().submit("clip.mp4", 0);
        Claim ingest = f().claimOne(Stage.INGEST, nodeA());
        assertThat(tasks().progress(ingest, 0.5)).isTrue();
        assertThat(jobs().job(job).orElseThrow().progress()).isCloseTo(0.05, within(1e-9));
        tasks().completeIngest(ingest, "{}", List.of("{}", "{}", "{}", "{}"));
        assertThat(jobs().job(job).orElseThrow().progress()).isCloseTo(0.1, within(1e-9));

        List<Claim> segments = tasks().claim(Stage.TRANSCODE, nodeA(), 10, StoreFixture.LEASE);
        tasks().completeTranscode(segments.get(0));
        tasks().progress(segments.get(1), 0.5);
        assertThat(jobs().job(job).orElseThrow().progress()).isCloseTo(0.1 + 0.8 * 1.5 / 4, within(1e-9));
        tasks().refreshJobProgress(job);
        assertThat(jobs().job(job).orElseThrow().progress()).isCloseTo(0.1 + 0.8 * 1.5 / 4, within(1e-9));

        Claim stale = new Claim(Stage.TRANSCODE, segments.get(2).taskId(), job, nodeB(), 1, 2, null);
        assertThat(tasks().progress(stale, 1.0)).isFalse();
        assertThat(jobs().job(job).orElseThrow().progress()).isCloseTo(0.1 + 0.8 * 1.5 / 4, within(1e-9));

        segments.stream().skip(1).forEach(tasks()::completeTranscode);
        Claim export = f().claimOne(Stage.EXPORT, nodeA());
        tasks().progress(export, 0.5);
        assertThat(jobs().job(job).orElseThrow().progress()).isCloseTo(0.95, within(1e-9));
    }

    @Test
    default void segmentsCompletingAtTheSameTimeQueueExactlyOneExport() throws Exception {
        int segments = 8;
        for (int round = 0; round < 5; round++) {
            UUID job = f().aJob().withSegments(segments).create();
            List<Claim> claims = new ArrayList<>();
            for (int i = 0; i < segments; i++) {
                claims.add(f().claimOne(Stage.TRANSCODE, UUID.randomUUID()));
            }
            Queue<Claim> toComplete = new ConcurrentLinkedQueue<>(claims);

            List<Boolean> lasts = atOnce(segments, () -> tasks().completeTranscode(toComplete.remove()));

            assertThat(lasts).as("round %d", round).containsOnlyOnce(true);
            assertThat(f().count(Stage.EXPORT, job)).isEqualTo(1);
            assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODED);
        }
    }

    @Test
    default void aCompletionRetriedAfterItWasWrittenCountsOnce() {
        UUID job = f().aJob().withSegments(2).create();
        List<Claim> segments = f().claimAll(Stage.TRANSCODE, job);
        assertThat(tasks().completeTranscode(segments.get(0))).isFalse();
        assertThat(tasks().completeTranscode(segments.get(0))).isFalse();
        assertThat(tasks().completeTranscode(segments.get(1))).isTrue();

        assertThat(tasks().completeTranscode(segments.get(1))).isFalse();
        assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODED);
        assertThat(f().count(Stage.EXPORT, job)).isEqualTo(1);
        Claim elsewhere = new Claim(Stage.TRANSCODE, segments.get(1).taskId(), job, nodeB(), segments.get(1).attempt(), 1, null);
        assertThatThrownBy(() -> tasks().completeTranscode(elsewhere)).isInstanceOf(LostClaimException.class);
    }

    @Test
    default void aJobWhoseLastCompletionDiedBeforeMovingItIsMovedOnByHousekeeping() {
        UUID job = f().aJob().withSegments(3).create();
        UUID busy = f().aJob().withSegments(2).create();
        f().claimAll(Stage.TRANSCODE, busy).subList(0, 1).forEach(tasks()::completeTranscode);
        List<Claim> segments = f().claimAll(Stage.TRANSCODE, job);
        tasks().completeTranscode(segments.get(0));
        tasks().completeTranscode(segments.get(1));
        // The last completion's own row is written, and its node dies before it counts the job's segments.
        f().dsl.update(TRANSCODEJOB).set(TRANSCODEJOB.STATUS, Status.COMPLETED).where(TRANSCODEJOB.TRANSCODEJOBID.eq(segments.get(2).taskId()))
                .execute();
        assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODING);

        assertThat(tasks().finishStrandedJobs()).containsExactly(job);

        assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODED);
        assertThat(f().count(Stage.EXPORT, job)).isEqualTo(1);
        assertThat(f().jobStatus(busy)).isEqualTo(Status.TRANSCODING);
        assertThat(f().count(Stage.EXPORT, busy)).isZero();
        assertThat(tasks().finishStrandedJobs()).isEmpty();
    }

    @Test
    default void anExportThatFindsSegmentsMissingSendsThemBackToTranscode() {
        UUID job = f().aJob().withSegments(3).transcoded().create();
        Claim export = f().claimOne(Stage.EXPORT, nodeA());

        tasks().redoSegments(export, List.of(1));

        assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODING);
        assertThat(f().count(Stage.EXPORT, job)).isZero();
        assertThat(f().taskStatuses(Stage.TRANSCODE, job)).containsExactly(Status.COMPLETED, Status.READY, Status.COMPLETED);
        assertThatThrownBy(() -> tasks().completeExport(export, "x.mp4")).isInstanceOf(LostClaimException.class);

        Claim redo = f().claimOne(Stage.TRANSCODE, nodeB());
        assertThat(redo.segmentPart()).isEqualTo(1);
        assertThat(redo.attempt()).isEqualTo(2);
        assertThat(tasks().completeTranscode(redo)).isTrue();
        assertThat(tasks().completedSegmentAttempts(job)).containsExactly(1, 2, 1);
        assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODED);

        Claim again = f().claimOne(Stage.EXPORT, nodeB());
        tasks().completeExport(again, "x.mp4");
        assertThat(f().jobStatus(job)).isEqualTo(Status.COMPLETE);
    }

    @Test
    default void aStaleExportCannotSendSegmentsBack() {
        f().aJob().withSegments(2).transcoded().create();
        Claim export = f().claimOne(Stage.EXPORT, nodeA());
        Claim stale = new Claim(export.stage(), export.taskId(), export.job(), nodeB(), export.attempt(), -1, null);

        assertThatThrownBy(() -> tasks().redoSegments(stale, List.of(0))).isInstanceOf(LostClaimException.class);
        assertThat(f().taskStatuses(Stage.TRANSCODE, export.job())).containsOnly(Status.COMPLETED);
    }

    @Test
    default void aReleasedTaskIsReadyAtOnceWithNoFailureCounted() {
        UUID job = jobs().submit("clip.mp4", 0);
        Claim c = f().claimOne(Stage.INGEST, nodeA());

        tasks().release(c);

        assertThat(f().jobStatus(job)).isEqualTo(Status.IMPORTED);
        var row = f().task(Stage.INGEST, c.taskId());
        assertThat(row.get(Stage.INGEST.t.status())).isEqualTo(Status.READY);
        assertThat(row.get(Stage.INGEST.t.failures())).isZero();
        assertThat(row.get(Stage.INGEST.t.node())).isNull();
        Claim again = f().claimOne(Stage.INGEST, nodeB());
        assertThat(again.attempt()).isEqualTo(2);
        assertThatThrownBy(() -> tasks().completeIngest(c, "{}", List.of("{}"))).isInstanceOf(LostClaimException.class);
    }

    @Test
    default void aPostponedTaskWaitsItsDelayWithNoFailureCounted() {
        UUID job = jobs().submit("clip.mp4", 0);
        Claim c = f().claimOne(Stage.INGEST, nodeA());
        LocalDateTime before = f().dbNow();

        assertThat(tasks().postpone(c, Duration.ofMinutes(1), "Postponed (no failure counted): no space left on device")).isTrue();

        assertThat(f().jobStatus(job)).isEqualTo(Status.IMPORTED);
        var row = f().task(Stage.INGEST, c.taskId());
        assertThat(row.get(Stage.INGEST.t.status())).isEqualTo(Status.READY);
        assertThat(row.get(Stage.INGEST.t.failures())).isZero();
        assertThat(row.get(Stage.INGEST.t.node())).isNull();
        assertThat(row.get(Stage.INGEST.t.leaseUntil())).isNull();
        assertThat(row.get(Stage.INGEST.t.lastError())).contains("no space left on device");
        assertThat(row.get(Stage.INGEST.t.availableAt())).isAfterOrEqualTo(before.plusSeconds(59));
        assertThat(tasks().claim(Stage.INGEST, nodeB(), 5, StoreFixture.LEASE)).as("claimable before its delay").isEmpty();
        f().skipBackoff(Stage.INGEST, c.taskId());
        Claim again = f().claimOne(Stage.INGEST, nodeB());
        assertThat(again.attempt()).isEqualTo(2);
        assertThatThrownBy(() -> tasks().completeIngest(c, "{}", List.of("{}"))).isInstanceOf(LostClaimException.class);
    }

    @Test
    default void aStaleClaimCannotPostponeTheTask() {
        f().aJob().withSegments(1).create();
        Claim current = f().claimOne(Stage.TRANSCODE, nodeA());
        Claim stale = new Claim(current.stage(), current.taskId(), current.job(), nodeA(), current.attempt() - 1,
                current.segmentPart(), current.segmentInfo());

        assertThat(tasks().postpone(stale, Duration.ofSeconds(10), "disk full")).isFalse();

        var row = f().task(Stage.TRANSCODE, current.taskId());
        assertThat(row.get(Stage.TRANSCODE.t.status())).isEqualTo(Status.RUNNING);
        assertThat(row.get(Stage.TRANSCODE.t.lastError())).isNull();
        assertThat(tasks().completeTranscode(current)).isTrue();
        assertThat(tasks().postpone(current, Duration.ofSeconds(10), "disk full")).as("a completed task").isFalse();
    }

    @Test
    default void aReleasedExportSendsTheJobBackToTranscoded() {
        UUID job = f().aJob().withSegments(1).transcoded().create();
        Claim export = f().claimOne(Stage.EXPORT, nodeA());

        tasks().release(export);

        assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODED);
        assertThat(f().claimOne(Stage.EXPORT, nodeB()).job()).isEqualTo(job);
    }
}
