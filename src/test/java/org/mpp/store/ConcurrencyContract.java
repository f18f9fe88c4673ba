package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mpp.store.schema.Tables.EXPORTJOB;
import static org.mpp.store.schema.Tables.TRANSCODEJOB;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Many nodes claiming and completing at once: every task done exactly once, nothing lost, no exception. */
interface ConcurrencyContract extends StoreContract {
    @Test
    default void manyNodesClaimingAtOnceCompleteEveryTaskExactlyOnce() throws Exception {
        int perJob = 20;
        int jobCount = Math.max(1, concurrentTasks() / perJob);
        List<UUID> created = new ArrayList<>();
        for (int i = 0; i < jobCount; i++) {
            created.add(f().aJob().named("load-" + i + ".mp4").withSegments(perJob).create());
        }
        ConcurrentRun run = new ConcurrentRun(tasks(), jobCount * perJob, jobCount);

        run.go(12, Duration.ofMinutes(4));

        assertThat(run.errors).as("exceptions thrown by the store").isEmpty();
        assertThat(run.doubleClaims).as("tasks handed out twice").isEmpty();
        assertThat(run.transcodedBy).as("segments completed").hasSize(jobCount * perJob);
        assertThat(run.exportedBy).as("exports completed").hasSize(jobCount);
        assertThat(run.lastSegments.values()).as("last-segment reports per job").containsOnly(1);
        assertThat(run.lastSegments).hasSize(jobCount);
        assertThat(run.nodesThatWorked()).as("nodes that completed something").isGreaterThan(1);
        for (UUID job : created) {
            assertThat(f().jobStatus(job)).isEqualTo(Status.COMPLETE);
            assertThat(f().count(Stage.EXPORT, job)).isEqualTo(1);
        }
        assertThat(f().dsl.fetchCount(TRANSCODEJOB, TRANSCODEJOB.STATUS.ne(Status.COMPLETED).or(TRANSCODEJOB.ATTEMPT.ne(1)))).isZero();
        assertThat(f().dsl.fetchCount(EXPORTJOB, EXPORTJOB.STATUS.ne(Status.COMPLETED).or(EXPORTJOB.ATTEMPT.ne(1)))).isZero();
    }
}
