package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mpp.store.schema.Tables.JOB;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * One bad row never stalls a stage (issue 11, section 2): rows written by hand in states MPP cannot move on, jobs
 * deleted with the seed's plain SQL, and tasks their node no longer runs.
 */
interface BadRowContract extends StoreContract {
    /** Runs one statement the way an operator's SQL client or the seed's interface would. */
    default int plainSql(String sql, Object... args) throws Exception {
        try (Connection c = f().db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }

    default long jobId(UUID job) {
        return f().jobRow(job).get(JOB.JOBID);
    }

    @Test
    default void aRowInsertedByHandInAnotherStatusWithoutUuidIsNotAdoptedAndBlocksNobody() throws Exception {
        plainSql("INSERT INTO job (sourceName, status) VALUES ('a.mp4', 5)");
        insertWithPlainSql("b.mp4");

        assertThat(jobs().adoptNewJobs()).isEqualTo(1);

        UUID b = jobs().list(1).get(0).uuid();
        assertThat(f().claimOne(Stage.INGEST, nodeA()).job()).isEqualTo(b);
        assertThat(f().dsl.fetchCount(JOB, JOB.JOBUUID.isNull(), JOB.STATUS.eq(Status.COMPLETE))).isEqualTo(1);
    }

    @Test
    default void aTaskWhoseJobAnOperatorSetFailedIsMarkedWithAReasonAndClaimsGoOn() throws Exception {
        UUID stuck = jobs().submit("stuck.mp4", 5);
        UUID next = jobs().submit("next.mp4", 0);
        plainSql("UPDATE job SET status = 13 WHERE jobID = ?", jobId(stuck));

        assertThat(f().claimOne(Stage.INGEST, nodeA()).job()).isEqualTo(next);

        long stuckTask = f().dsl.select(Stage.INGEST.t.id()).from(Stage.INGEST.t.table())
                .where(Stage.INGEST.t.job().eq(Uuids.bytes(stuck))).fetchOne(Stage.INGEST.t.id());
        var row = f().task(Stage.INGEST, stuckTask);
        assertThat(row.get(Stage.INGEST.t.status())).isEqualTo(Status.ERROR);
        assertThat(row.get(Stage.INGEST.t.lastError())).contains("failed (13)");
        assertThat(f().jobStatus(stuck)).isEqualTo(Status.FAILED);
    }

    @Test
    default void anExportOrSegmentWhoseJobCannotMoveIsMarkedAndTheOthersAreClaimed() throws Exception {
        UUID doneByHand = f().aJob().named("a.mp4").withPriority(5).transcoded().create();
        UUID exportable = f().aJob().named("b.mp4").transcoded().create();
        UUID segmentsStuck = f().aJob().named("c.mp4").withPriority(5).withSegments(2).create();
        UUID segmentsOk = f().aJob().named("d.mp4").withSegments(1).create();
        plainSql("UPDATE job SET status = 5 WHERE jobID = ?", jobId(doneByHand));
        plainSql("UPDATE job SET status = 13 WHERE jobID = ?", jobId(segmentsStuck));

        assertThat(tasks().claim(Stage.EXPORT, nodeA(), 5, StoreFixture.LEASE)).extracting(Claim::job).containsExactly(exportable);
        assertThat(tasks().claim(Stage.TRANSCODE, nodeA(), 5, StoreFixture.LEASE)).extracting(Claim::job).containsExactly(segmentsOk);

        assertThat(f().taskStatuses(Stage.EXPORT, doneByHand)).containsExactly(Status.ERROR);
        assertThat(f().taskStatuses(Stage.TRANSCODE, segmentsStuck)).containsExactly(Status.ERROR, Status.ERROR);
        assertThat(f().jobStatus(doneByHand)).isEqualTo(Status.COMPLETE);
    }

    @Test
    default void deletingAJobRowWithTheSeedsPlainSqlRemovesItsTasks() throws Exception {
        UUID job = f().aJob().withSegments(3).transcoded().create();
        Claim running = f().claimOne(Stage.EXPORT, nodeA());

        assertThat(plainSql("DELETE FROM job WHERE jobID = ?", jobId(job))).isEqualTo(1);

        for (Stage s : Stage.values()) {
            assertThat(f().count(s, job)).as("%s tasks", s).isZero();
        }
        assertThat(tasks().stillHeld(running)).isFalse();
        assertThat(tasks().renewLeases(nodeA(), List.of(running), StoreFixture.LEASE)).isZero();
    }

    @Test
    default void recoveryReachesALiveJobsExpiredSegmentBeside150ExpiredSegmentsOfDeletedJobs() throws Exception {
        var deleted = SyntheticJobs.insertTranscoding(f().db, 150, 1).keySet();
        assertThat(tasks().claim(Stage.TRANSCODE, nodeA(), 150, TINY_LEASE)).hasSize(150);
        UUID live = f().aJob().named("live.mp4").withSegments(1).create();
        Claim dead = f().claimOne(Stage.TRANSCODE, nodeB(), TINY_LEASE);
        for (UUID job : deleted) {
            plainSql("DELETE FROM job WHERE jobID = ?", jobId(job));
        }

        List<TaskStore.Recovered> recovered = awaitRecovery(3);

        assertThat(recovered).containsExactly(new TaskStore.Recovered(live, Stage.TRANSCODE, dead.taskId(), TaskStore.Outcome.RETRY));
        assertThat(f().dsl.fetchCount(Stage.TRANSCODE.t.table())).isEqualTo(1);
    }

    @Test
    default void recoveryReachesEveryExpiredTaskHoweverManyExpiredAtOnce() throws Exception {
        SyntheticJobs.insertTranscoding(f().db, 250, 50);
        List<Claim> claims = tasks().claim(Stage.TRANSCODE, nodeA(), 250, TINY_LEASE);
        assertThat(claims).hasSize(250);
        var expiry = f().dbNow().plus(TINY_LEASE).plusSeconds(1);
        org.awaitility.Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> f().dbNow().isAfter(expiry));

        assertThat(tasks().recoverExpired(3)).hasSize(250);
    }

    @Test
    default void onlyTheClaimsANodeStillRunsAreRenewed() {
        f().aJob().withSegments(2).create();
        Claim running = f().claimOne(Stage.TRANSCODE, nodeA(), TINY_LEASE);
        Claim forgotten = f().claimOne(Stage.TRANSCODE, nodeA(), TINY_LEASE);

        assertThat(tasks().renewLeases(nodeA(), List.of(running), Duration.ofMinutes(1))).isEqualTo(1);

        assertThat(awaitRecovery(3)).extracting(TaskStore.Recovered::taskId).containsExactly(forgotten.taskId());
        assertThat(tasks().stillHeld(running)).isTrue();
        assertThat(tasks().stillHeld(forgotten)).isFalse();
    }

    @Test
    default void aStaleAttemptOfATaskIsNotRenewed() {
        f().aJob().withSegments(1).create();
        Claim old = f().claimOne(Stage.TRANSCODE, nodeA(), TINY_LEASE);
        awaitRecovery(3);
        f().skipBackoff(Stage.TRANSCODE, old.taskId());
        Claim again = f().claimOne(Stage.TRANSCODE, nodeA(), TINY_LEASE);

        assertThat(tasks().renewLeases(nodeA(), List.of(old), Duration.ofMinutes(1))).isZero();
        assertThat(tasks().renewLeases(nodeA(), List.of(again), Duration.ofMinutes(1))).isEqualTo(1);
    }

    @Test
    default void theMigrationRemovesOrphanTasksLeftByEarlierVersions() throws Exception {
        try (TestDatabases.Fresh older = TestDatabases.fresh(fresh().kind())) {
            Flyway flyway = Flyway.configure().dataSource(older.url(), older.user(), older.password()).locations("classpath:db/migration")
                    .target("3").load();
            flyway.migrate();
            UUID kept = UUID.randomUUID();
            UUID gone = UUID.randomUUID();
            try (Connection c = java.sql.DriverManager.getConnection(older.url(), older.user(), older.password());
                    Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO job (jobUUID, sourceName, status) VALUES (X'" + Uuids.hex(kept) + "', 'k.mp4', 2)");
                s.executeUpdate("INSERT INTO transcodeJob (fk_jobUUID, segmentPart) VALUES (X'" + Uuids.hex(kept) + "', 0)");
                s.executeUpdate("INSERT INTO transcodeJob (fk_jobUUID, segmentPart, status) VALUES (X'" + Uuids.hex(gone) + "', 0, 1)");
                s.executeUpdate("INSERT INTO ingestJob (fk_jobUUID) VALUES (X'" + Uuids.hex(gone) + "')");
                s.executeUpdate("INSERT INTO exportJob (fk_jobUUID) VALUES (X'" + Uuids.hex(gone) + "')");
            }

            Database db = older.open();

            assertThat(Integer.parseInt(db.schemaVersion())).isGreaterThanOrEqualTo(4);
            for (Stage st : Stage.values()) {
                assertThat(db.dsl().fetchCount(st.t.table(), st.t.job().eq(Uuids.bytes(gone)))).as("%s orphans", st).isZero();
            }
            assertThat(db.dsl().fetchCount(Stage.TRANSCODE.t.table(), Stage.TRANSCODE.t.job().eq(Uuids.bytes(kept)))).isEqualTo(1);
        }
    }
}
