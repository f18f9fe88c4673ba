package org.mpp.store;

import static org.mpp.store.schema.Tables.EXPORTJOB;
import static org.mpp.store.schema.Tables.INGESTJOB;
import static org.mpp.store.schema.Tables.JOB;
import static org.mpp.store.schema.Tables.TRANSCODEJOB;
import static org.mpp.store.schema.Tables.WATCHEDSOURCE;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.mpp.store.schema.tables.records.JobRecord;

/** Submitting, listing and steering jobs (pause, resume, priority, retry, delete). Thread-safe. */
public final class JobStore {
    private final DSLContext dsl;

    public JobStore(Database db) {
        this.dsl = db.dsl();
    }

    /** Adds a job for a file in the source folder; it is ready for ingest at once. */
    public UUID submit(String sourceName, int priority) {
        return submit(sourceName, priority, null);
    }

    /**
     * Adds a job for a file in the source folder, ready for ingest at once, whose events are also POSTed to
     * {@code callbackUrl} (null = none). The caller checks the URL (http or https: {@code org.mpp.config.WebhookUrls}).
     */
    public UUID submit(String sourceName, int priority, String callbackUrl) {
        UUID uuid = UUID.randomUUID();
        Sql.tx(dsl, tx -> {
            insertJob(tx, uuid, sourceName, priority, callbackUrl);
            return null;
        });
        return uuid;
    }

    private static void insertJob(DSLContext tx, UUID uuid, String sourceName, int priority, String callbackUrl) {
        tx.insertInto(JOB).set(JOB.JOBUUID, Uuids.bytes(uuid)).set(JOB.SOURCENAME, sourceName).set(JOB.PRIORITY, priority)
                .set(JOB.DATEADDED, Sql.wallClock()).set(JOB.CALLBACKURL, callbackUrl).execute();
        tx.insertInto(INGESTJOB).set(INGESTJOB.FK_JOBUUID, Uuids.bytes(uuid)).set(INGESTJOB.PRIORITY, priority)
                .set(INGESTJOB.AVAILABLEAT, Sql.now()).execute();
    }

    /** The callback URL a job was submitted with; empty when it has none (or the job is gone). */
    public Optional<String> callbackUrl(UUID job) {
        return Optional.ofNullable(dsl.select(JOB.CALLBACKURL).from(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(job))).fetchOne(JOB.CALLBACKURL));
    }

    /**
     * Makes a job of a settled file the watch folder found, exactly once across the cluster: the file's key (name, size,
     * modification time) is inserted first, in the job's transaction, and a second insert of the same key (another node
     * watching the same folder) fails on the primary key. A file that is already the source of an unfinished job (submitted
     * by hand) is recorded but makes no job.
     *
     * @return the new job, or empty when this file (as it is now) already made one or is already being worked on
     */
    public Optional<UUID> submitWatched(String sourceName, long size, long modifiedMillis) {
        String key = watchKey(sourceName, size, modifiedMillis);
        UUID uuid = UUID.randomUUID();
        try {
            return Sql.tx(dsl, tx -> {
                tx.insertInto(WATCHEDSOURCE).set(WATCHEDSOURCE.SOURCEKEY, key).set(WATCHEDSOURCE.SOURCENAME, sourceName)
                        .set(WATCHEDSOURCE.CREATEDAT, Sql.now()).execute();
                if (tx.fetchExists(JOB, JOB.SOURCENAME.eq(sourceName), JOB.STATUS.notIn(Status.COMPLETE, Status.FAILED))) {
                    return Optional.<UUID>empty();
                }
                insertJob(tx, uuid, sourceName, 0, null);
                tx.update(WATCHEDSOURCE).set(WATCHEDSOURCE.FK_JOBUUID, Uuids.bytes(uuid)).where(WATCHEDSOURCE.SOURCEKEY.eq(key)).execute();
                return Optional.of(uuid);
            });
        } catch (org.jooq.exception.DataAccessException e) {
            if (e.sqlStateClass() == org.jooq.exception.SQLStateClass.C23_INTEGRITY_CONSTRAINT_VIOLATION) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Whether the watch folder already took this file (as it is now: name, size, modification time) into account. */
    public boolean watched(String sourceName, long size, long modifiedMillis) {
        return dsl.fetchExists(WATCHEDSOURCE, WATCHEDSOURCE.SOURCEKEY.eq(watchKey(sourceName, size, modifiedMillis)));
    }

    /** The watch folder's key of a file as it is now: SHA-256 (hex) of its name, size and modification time. */
    private static String watchKey(String sourceName, long size, long modifiedMillis) {
        return WebhookStore.destinationKey("watch\n" + size + "\n" + modifiedMillis, sourceName);
    }

    /**
     * Adopts jobs inserted with plain SQL (no UUID yet, status 0 imported): gives each a UUID and an ingest task. Safe
     * for several nodes at once: a job is adopted by exactly one of them. A row inserted by hand in any other status
     * is left alone: it names no work MPP could start (an ingest task of a job marked complete or failed can never be
     * claimed), and adopting it made every ingest claim throw on the forbidden job move.
     *
     * @return how many jobs this call adopted
     */
    public int adoptNewJobs() {
        List<JobRecord> fresh = dsl.selectFrom(JOB).where(JOB.JOBUUID.isNull(), JOB.STATUS.eq(Status.IMPORTED)).orderBy(JOB.JOBID)
                .limit(100).fetch();
        int adopted = 0;
        for (JobRecord j : fresh) {
            UUID uuid = UUID.randomUUID();
            adopted += Sql.tx(dsl, tx -> {
                int won = tx.update(JOB).set(JOB.JOBUUID, Uuids.bytes(uuid))
                        .where(JOB.JOBID.eq(j.getJobid()), JOB.JOBUUID.isNull(), JOB.STATUS.eq(Status.IMPORTED)).execute();
                if (won == 1) {
                    tx.insertInto(INGESTJOB).set(INGESTJOB.FK_JOBUUID, Uuids.bytes(uuid)).set(INGESTJOB.PRIORITY, j.getPriority())
                            .set(INGESTJOB.PAUSED, j.getPaused()).set(INGESTJOB.AVAILABLEAT, Sql.now()).onDuplicateKeyIgnore().execute();
                }
                return won;
            });
        }
        return adopted;
    }

    /** Which of {@code uuids} still have a job row. */
    public Set<UUID> existing(Collection<UUID> uuids) {
        if (uuids.isEmpty()) {
            return Set.of();
        }
        return dsl.select(JOB.JOBUUID).from(JOB).where(JOB.JOBUUID.in(uuids.stream().map(Uuids::bytes).toList())).fetch(JOB.JOBUUID)
                .stream().map(Uuids::uuid).collect(Collectors.toSet());
    }

    public Optional<JobView> job(UUID uuid) {
        return dsl.selectFrom(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(uuid))).fetchOptional().map(JobStore::view);
    }

    /** A job by its numeric id or its UUID (as typed by an operator). */
    public Optional<JobView> find(String idOrUuid) {
        try {
            return job(UUID.fromString(idOrUuid));
        } catch (IllegalArgumentException notUuid) {
            try {
                return dsl.selectFrom(JOB).where(JOB.JOBID.eq(Long.parseLong(idOrUuid))).fetchOptional().map(JobStore::view);
            } catch (NumberFormatException notNumber) {
                return Optional.empty();
            }
        }
    }

    /** The newest jobs first. */
    public List<JobView> list(int limit) {
        return dsl.selectFrom(JOB).orderBy(JOB.JOBID.desc()).limit(limit).fetch().map(JobStore::view);
    }

    /**
     * A page of jobs, newest first.
     *
     * @param status only jobs of this status code; null = all
     */
    public List<JobView> list(Integer status, int limit, int offset) {
        return dsl.selectFrom(JOB).where(status == null ? DSL.noCondition() : JOB.STATUS.eq(status)).orderBy(JOB.JOBID.desc())
                .limit(limit).offset(offset).fetch().map(JobStore::view);
    }

    /** Pauses or resumes a job: its tasks that are not running yet are not claimed while it is paused. */
    public boolean setPaused(UUID job, boolean paused) {
        return Sql.tx(dsl, tx -> {
            int n = tx.update(JOB).set(JOB.PAUSED, paused).where(JOB.JOBUUID.eq(Uuids.bytes(job))).execute();
            for (Stage s : Stage.values()) {
                tx.update(s.t.table()).set(s.t.paused(), paused).where(s.t.job().eq(Uuids.bytes(job))).execute();
            }
            return n == 1;
        });
    }

    public boolean setPriority(UUID job, int priority) {
        return Sql.tx(dsl, tx -> {
            int n = tx.update(JOB).set(JOB.PRIORITY, priority).where(JOB.JOBUUID.eq(Uuids.bytes(job))).execute();
            for (Stage s : Stage.values()) {
                tx.update(s.t.table()).set(s.t.priority(), priority).where(s.t.job().eq(Uuids.bytes(job))).execute();
            }
            return n == 1;
        });
    }

    /** Sends a failed job back to the start (the caller puts its source back in the source folder first). */
    public boolean retry(UUID job) {
        return Sql.tx(dsl, tx -> {
            Integer status = tx.select(JOB.STATUS).from(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(job))).forUpdate().fetchOne(JOB.STATUS);
            if (status == null || status != Status.FAILED) {
                return false;
            }
            // The segment and export rows go, and their attempt counters with them: the rows that replace them start
            // above the highest attempt they reached, so no (task, attempt) pair and no file name is issued twice (a
            // stalled node of the failed run may still write its files late). The ingest row stays and keeps counting.
            byte[] id = Uuids.bytes(job);
            for (Stage s : List.of(Stage.TRANSCODE, Stage.EXPORT)) {
                TaskStore.raiseAttemptFloor(tx, job, DSL.field(DSL.select(DSL.max(s.t.attempt())).from(s.t.table()).where(s.t.job().eq(id))));
            }
            tx.deleteFrom(TRANSCODEJOB).where(TRANSCODEJOB.FK_JOBUUID.eq(id)).execute();
            tx.deleteFrom(EXPORTJOB).where(EXPORTJOB.FK_JOBUUID.eq(id)).execute();
            tx.update(INGESTJOB).set(INGESTJOB.STATUS, Status.READY).set(INGESTJOB.FAILURES, 0).setNull(INGESTJOB.FK_NODEUUID)
                    .setNull(INGESTJOB.LASTERROR).set(INGESTJOB.AVAILABLEAT, Sql.now()).where(INGESTJOB.FK_JOBUUID.eq(id)).execute();
            tx.insertInto(INGESTJOB).set(INGESTJOB.FK_JOBUUID, id).set(INGESTJOB.AVAILABLEAT, Sql.now())
                    .set(INGESTJOB.ATTEMPT, DSL.field(DSL.select(JOB.ATTEMPTFLOOR).from(JOB).where(JOB.JOBUUID.eq(id))))
                    .onDuplicateKeyIgnore().execute();
            tx.update(JOB).set(JOB.FAILED, false).setNull(JOB.FAILUREREASON).set(JOB.PROGRESS, 0.0).setNull(JOB.SEGMENTS)
                    .where(JOB.JOBUUID.eq(Uuids.bytes(job))).execute();
            TaskStore.moveJob(tx, job, Status.IMPORTED);
            return true;
        });
    }

    /** Deletes a job and its tasks; a node still working on it loses its claim and stops. */
    public boolean delete(UUID job) {
        return Sql.tx(dsl, tx -> {
            for (Stage s : Stage.values()) {
                tx.deleteFrom(s.t.table()).where(s.t.job().eq(Uuids.bytes(job))).execute();
            }
            return tx.deleteFrom(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(job))).execute() == 1;
        });
    }

    /** Fails a job for a reason found outside any task (for example at adoption). */
    public void fail(UUID job, String reason) {
        Sql.tx(dsl, tx -> {
            tx.selectOne().from(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(job))).forUpdate().fetchOne();
            TaskStore.failJob(tx, job, reason);
            return null;
        });
    }

    private static JobView view(JobRecord r) {
        return new JobView(r.getJobid(), Uuids.uuid(r.getJobuuid()), r.getSourcename(), r.getStatus(), r.getPriority(),
                Boolean.TRUE.equals(r.getPaused()), r.getProgress(), r.getFailurereason(), r.getDateadded(),
                r.getDatecompleted(), r.getDeliveredfiles(), r.getMediainfo());
    }
}
