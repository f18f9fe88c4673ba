package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mpp.store.schema.Tables.INGESTJOB;
import static org.mpp.store.schema.Tables.JOB;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Steering jobs (retry, delete, pause, priority, find and list) and adopting jobs that clients inserted with plain
 * SQL.
 */
interface JobContract extends StoreContract {
    // ---- steering jobs -------------------------------------------------------------------------------------------

    @Test
    default void aFailedJobIsRetriedFromTheStart() {
        UUID job = f().aJob().withSegments(2).create();
        tasks().fail(f().claimOne(Stage.TRANSCODE, nodeA()), "bad segment", true, 3);
        assertThat(jobs().retry(UUID.randomUUID())).isFalse();

        assertThat(jobs().retry(job)).isTrue();

        JobView retried = jobs().job(job).orElseThrow();
        assertThat(retried.status()).isEqualTo(Status.IMPORTED);
        assertThat(retried.failureReason()).isNull();
        assertThat(retried.progress()).isZero();
        assertThat(f().jobRow(job).get(JOB.FAILED)).isFalse();
        assertThat(f().count(Stage.TRANSCODE, job)).isZero();
        assertThat(f().task(Stage.INGEST, f().claimOne(Stage.INGEST, nodeB()).taskId()).get(Stage.INGEST.t.failures())).isZero();
    }

    @Test
    default void onlyAFailedJobCanBeRetried() {
        UUID job = f().aJob().withSegments(1).create();

        assertThat(jobs().retry(job)).isFalse();
        assertThat(f().jobStatus(job)).isEqualTo(Status.TRANSCODING);
    }

    @Test
    default void aDeletedJobTakesItsTasksAndItsRunningClaimsWithIt() {
        UUID job = f().aJob().withSegments(2).create();
        Claim running = f().claimOne(Stage.TRANSCODE, nodeA());

        assertThat(jobs().delete(job)).isTrue();

        assertThat(jobs().job(job)).isEmpty();
        for (Stage s : Stage.values()) {
            assertThat(f().count(s, job)).as("%s tasks", s).isZero();
        }
        assertThat(tasks().progress(running, 0.3)).isFalse();
        assertThatThrownBy(() -> tasks().completeTranscode(running)).isInstanceOf(LostClaimException.class);
        assertThatThrownBy(() -> tasks().fail(running, "gone", false, 3)).isInstanceOf(LostClaimException.class);
        assertThat(jobs().delete(job)).isFalse();
    }

    @Test
    default void raisingAJobsPriorityMovesItsWaitingTasksToTheFront() {
        UUID first = jobs().submit("first.mp4", 0);
        UUID second = jobs().submit("second.mp4", 0);

        assertThat(jobs().setPriority(second, 10)).isTrue();

        assertThat(jobs().job(second).orElseThrow().priority()).isEqualTo(10);
        assertThat(f().claimOne(Stage.INGEST, nodeA()).job()).isEqualTo(second);
        assertThat(f().claimOne(Stage.INGEST, nodeA()).job()).isEqualTo(first);
        assertThat(jobs().setPriority(UUID.randomUUID(), 1)).isFalse();
    }

    @Test
    default void aJobsPriorityIsInheritedByItsSegments() {
        UUID low = f().aJob().withSegments(1).create();
        UUID high = f().aJob().withPriority(7).withSegments(1).create();

        assertThat(f().claimOne(Stage.TRANSCODE, nodeA()).job()).isEqualTo(high);
        assertThat(f().claimOne(Stage.TRANSCODE, nodeA()).job()).isEqualTo(low);
    }

    @Test
    default void jobsAreFoundByIdOrUuidAndListedNewestFirst() {
        UUID a = jobs().submit("a.mp4", 0);
        UUID b = jobs().submit("b.mp4", 0);
        long idOfA = jobs().job(a).orElseThrow().id();

        assertThat(jobs().find(String.valueOf(idOfA)).orElseThrow().uuid()).isEqualTo(a);
        assertThat(jobs().find(b.toString()).orElseThrow().sourceName()).isEqualTo("b.mp4");
        assertThat(jobs().find("no-such-job")).isEmpty();
        assertThat(jobs().find(UUID.randomUUID().toString())).isEmpty();
        assertThat(jobs().list(10)).extracting(JobView::uuid).containsExactly(b, a);
        assertThat(jobs().list(1)).extracting(JobView::uuid).containsExactly(b);
    }

    @Test
    default void aSourceNameLongerThan32CharactersIsKept() {
        String name = "a-very-long-source-name-".repeat(12) + "12345678.mp4";
        assertThat(name).hasSize(300);

        UUID job = jobs().submit(name, 0);

        assertThat(jobs().job(job).orElseThrow().sourceName()).isEqualTo(name);
    }

    // ---- jobs inserted with plain SQL ----------------------------------------------------------------------------

    @Test
    default void aJobInsertedWithPlainSqlIsAdoptedWithOneIngestTask() throws Exception {
        insertWithPlainSql("x.mp4");
        JobView raw = jobs().list(1).get(0);
        assertThat(raw.uuid()).isNull();
        assertThat(raw.status()).isEqualTo(Status.IMPORTED);

        assertThat(jobs().adoptNewJobs()).isEqualTo(1);
        assertThat(jobs().adoptNewJobs()).isZero();

        JobView adopted = jobs().find(String.valueOf(raw.id())).orElseThrow();
        assertThat(adopted.uuid()).isNotNull();
        assertThat(adopted.sourceName()).isEqualTo("x.mp4");
        assertThat(f().taskStatuses(Stage.INGEST, adopted.uuid())).containsExactly(Status.READY);
        assertThat(f().claimOne(Stage.INGEST, nodeA()).job()).isEqualTo(adopted.uuid());
    }

    @Test
    default void aLongSourceNameInsertedWithPlainSqlIsAdopted() throws Exception {
        String name = "y".repeat(296) + ".mp4";
        insertWithPlainSql(name);

        jobs().adoptNewJobs();

        assertThat(jobs().list(1).get(0).sourceName()).isEqualTo(name);
    }

    @Test
    default void concurrentAdoptersGiveEachJobExactlyOneIngestTask() throws Exception {
        int rows = 30;
        for (int i = 0; i < rows; i++) {
            insertWithPlainSql("x" + i + ".mp4");
        }

        List<Integer> adopted = atOnce(8, () -> jobs().adoptNewJobs());

        assertThat(adopted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(rows);
        assertThat(f().dsl.fetchCount(JOB, JOB.JOBUUID.isNull())).isZero();
        assertThat(f().dsl.fetchCount(INGESTJOB)).isEqualTo(rows);
        assertThat(f().dsl.fetchCount(f().dsl.selectDistinct(INGESTJOB.FK_JOBUUID).from(INGESTJOB))).isEqualTo(rows);
    }
}
