package org.mpp.store;

import static org.mpp.store.schema.Tables.EXPORTJOB;
import static org.mpp.store.schema.Tables.JOB;
import static org.mpp.store.schema.Tables.TRANSCODEJOB;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.CaseValueStep;
import org.jooq.CaseWhenStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.mpp.store.Stage.Columns;

/**
 * Claims, leases, progress, completion and failure of tasks: the one place that decides who runs what (the claim
 * transaction itself lives in {@link Claims}, behind {@link #claim}).
 *
 * <p>A claim is a short locking transaction ({@code SELECT ... FOR UPDATE SKIP LOCKED}, then an update by
 * primary key) that sets the task running under the node, increments its attempt counter (the fencing token)
 * and starts a lease on the database's clock. Every later write is conditional on node, attempt and the running
 * state; zero rows means the claim was lost ({@link LostClaimException}), more than one is a bug. Ingest and export
 * completions and failures lock the job row first, so that concurrent changes of one job see each other; a segment's
 * completion does not hold it (see {@link #completeTranscode}). Concurrent claims of one node's stage and concurrent
 * segment completions share their statements ({@link Batcher}). Thread-safe.
 */
public final class TaskStore {
    private final DSLContext dsl;
    private final Claims claims;
    /** How much of a job's transcode is done: the mean over its segments, a completed one counting whole. */
    private static final Field<Double> SEGMENTS_DONE = DSL.avg(DSL.when(TRANSCODEJOB.STATUS.eq(Status.COMPLETED), 1.0)
            .otherwise(TRANSCODEJOB.PROGRESS)).coerce(Double.class);
    private final Batcher<Claim, Boolean> segmentCompletions = new Batcher<>(this::completeTranscodes);

    public TaskStore(Database db) {
        this(db, Claims.honoursDescendingIndexes(db));
    }

    /** With {@code descendingIndexes} false, claims lock one priority level at a time, as on MariaDB before 10.8. */
    TaskStore(Database db, boolean descendingIndexes) {
        this.dsl = db.dsl();
        this.claims = new Claims(dsl, descendingIndexes);
    }

    /** What happened to a failed task. */
    public enum Outcome {
        /** Back in the queue after a backoff. */
        RETRY,
        /** Failed too often (or permanently): the job is failed now; quarantine its source. */
        JOB_FAILED
    }

    /**
     * Claims up to {@code max} ready tasks of a stage for {@code node}, highest priority first, then oldest ({@link Claims}).
     */
    public List<Claim> claim(Stage stage, UUID node, int max, Duration lease) {
        return claims.claim(stage, node, max, lease);
    }

    /**
     * Which of {@code stages} have a task that a claim would take now, as far as one statement that locks nothing can
     * tell (a task another node is claiming meanwhile still counts): what a node's idle workers wait for before they
     * claim ({@code Node}'s scout).
     */
    public Set<Stage> claimable(Collection<Stage> stages) {
        List<Stage> asked = List.copyOf(stages);
        if (asked.isEmpty()) {
            return Set.of();
        }
        List<Field<Boolean>> exists = asked.stream()
                .map(s -> DSL.field(DSL.exists(DSL.selectOne().from(s.t.table()).where(Claims.claimableNow(s.t))))).toList();
        Record row = dsl.select(exists).fetchOne();
        Set<Stage> found = java.util.EnumSet.noneOf(Stage.class);
        for (int i = 0; i < asked.size(); i++) {
            if (Boolean.TRUE.equals(row.get(i, Boolean.class))) {
                found.add(asked.get(i));
            }
        }
        return found;
    }

    /** {@link Claims#lockReady}, for the claim contract's tests. */
    List<Record> lockReady(DSLContext tx, Stage stage, int max) {
        return claims.lockReady(tx, stage, max);
    }

    /**
     * Extends the leases of the tasks a node's workers are running now, each under its own claim (task and attempt): a
     * task the node holds in the database but no worker runs (the claim's answer was lost on the way, or the worker gave
     * up recording its end) is not renewed, so its lease expires and any node recovers it. Renewing every row under the
     * node's UUID kept such a task running forever. Updates by primary key only (a renewal that searched the node's rows
     * by index waited on every row the node's own workers claimed meanwhile), retried when InnoDB picks it as a deadlock
     * victim. One statement on its own, not in a transaction: a node frozen between a renewal's statement and its commit
     * held its tasks' row locks while frozen, and no other node could recover them (the recovery waited out its statement
     * timeout at every round).
     *
     * @param running the claims this node's workers hold; claims of other nodes are ignored
     * @return how many leases were extended (claims already lost are not)
     */
    public int renewLeases(UUID node, Collection<Claim> running, Duration lease) {
        int n = 0;
        for (Stage s : Stage.values()) {
            Columns t = s.t;
            List<Condition> mine = running.stream().filter(c -> c.stage() == s && c.node().equals(node)).map(TaskStore::fence).toList();
            if (!mine.isEmpty()) {
                n += Sql.alone(() -> dsl.update(t.table()).set(t.leaseUntil(), Sql.nowPlus(lease)).where(DSL.or(mine)).execute());
            }
        }
        return n;
    }

    /** Records progress; false when the claim is lost (the caller should stop). */
    public boolean progress(Claim c, double fraction) {
        boolean held = owned(dsl.update(c.stage().t.table()).set(c.stage().t.progress(), fraction).where(fence(c)).execute(), c, false);
        if (held) {
            // The job's own progress: ingest is the first tenth, transcode the next eight, export the last. Only while
            // the job is still in the stage: progress is written by another thread than the work, and a write that
            // lands after the stage's completion must not move the job's progress back.
            Condition job = JOB.JOBUUID.eq(Uuids.bytes(c.job()));
            switch (c.stage()) {
                case INGEST -> dsl.update(JOB).set(JOB.PROGRESS, 0.1 * fraction).where(job, JOB.STATUS.eq(Status.INGESTING)).execute();
                case TRANSCODE -> updateTranscodeProgress(dsl, c.job());
                case EXPORT -> dsl.update(JOB).set(JOB.PROGRESS, 0.9 + 0.1 * fraction).where(job, JOB.STATUS.eq(Status.EXPORTING)).execute();
            }
        }
        return held;
    }

    /** True while the claim is still held. */
    public boolean stillHeld(Claim c) {
        return dsl.fetchExists(c.stage().t.table(), fence(c));
    }

    /**
     * Queues one segment while its ingest goes on (the cut has just written it): its transcode task becomes claimable at
     * once, and the job, still ingesting, gets its media info (which every transcode reads). Idempotent per segment: a
     * part queued before is left as it is. Locks the job row, then checks the ingest's claim under that lock, so a
     * segment is never queued for an ingest that failed or was taken over meanwhile (whose rewind dropped the job's
     * segments).
     *
     * @param segment the segment's description (JSON)
     * @throws LostClaimException when the ingest's claim was lost
     */
    public void queueSegment(Claim c, String mediaInfo, int part, String segment) {
        requireIngest(c);
        Sql.tx(dsl, tx -> {
            var job = lockJob(tx, c);
            owned(tx.fetchCount(c.stage().t.table(), fence(c)), c, true);
            if (!mediaInfo.equals(job.getMediainfo())) {
                tx.update(JOB).set(JOB.MEDIAINFO, mediaInfo).where(JOB.JOBUUID.eq(Uuids.bytes(c.job()))).execute();
            }
            insertSegments(tx, c, job, part, List.of(segment));
            return null;
        });
    }

    /**
     * Completes an ingest: stores the media info and creates the transcode tasks of the segments not queued yet
     * ({@link #queueSegment}), in one transaction, and moves the job to transcoding; a job whose segments were all encoded
     * during its ingest moves on to transcoded with its export queued.
     *
     * @param segments each segment's description (JSON), in order
     * @return true when the job moved on to transcoded (its export is queued)
     * @throws LostClaimException when the claim was lost
     */
    public boolean completeIngest(Claim c, String mediaInfo, List<String> segments) {
        requireIngest(c);
        Sql.tx(dsl, tx -> {
            var job = lockJob(tx, c);
            complete(tx, c);
            insertSegments(tx, c, job, 0, segments);
            tx.update(JOB).set(JOB.MEDIAINFO, mediaInfo).set(JOB.SEGMENTS, segments.size()).set(JOB.PROGRESS, 0.1)
                    .where(JOB.JOBUUID.eq(Uuids.bytes(c.job()))).execute();
            moveJob(tx, c.job(), Status.TRANSCODING);
            return null;
        });
        // Segments queued early may all be done by now; then no completion is left to move the job on. (A node dying
        // between the two transactions leaves a stranded job: finishStrandedJobs moves it.)
        return !finishIfTranscoded(Set.of(c.job())).isEmpty();
    }

    /** Inserts the transcode tasks of parts {@code firstPart}, {@code firstPart + 1}, ... ({@code infos}) that the job does not have yet. */
    private static void insertSegments(DSLContext tx, Claim c, org.mpp.store.schema.tables.records.JobRecord job, int firstPart,
            List<String> infos) {
        Set<Integer> present = new HashSet<>(tx.select(TRANSCODEJOB.SEGMENTPART).from(TRANSCODEJOB)
                .where(TRANSCODEJOB.FK_JOBUUID.eq(Uuids.bytes(c.job()))).fetch(TRANSCODEJOB.SEGMENTPART));
        for (int i = 0; i < infos.size(); i++) {
            int part = firstPart + i;
            if (present.contains(part)) {
                continue;
            }
            // availableAt on the UTC clock: the column's default is the server's local time. The attempt counter
            // starts above every attempt a deleted segment row of this job reached (a retry deletes them).
            tx.insertInto(TRANSCODEJOB).set(TRANSCODEJOB.FK_JOBUUID, Uuids.bytes(c.job())).set(TRANSCODEJOB.SEGMENTPART, part)
                    .set(TRANSCODEJOB.SEGMENTINFO, infos.get(i)).set(TRANSCODEJOB.PRIORITY, job.getPriority())
                    .set(TRANSCODEJOB.PAUSED, job.getPaused()).set(TRANSCODEJOB.ATTEMPT, job.getAttemptfloor())
                    .set(TRANSCODEJOB.AVAILABLEAT, Sql.now()).execute();
        }
    }

    private static void requireIngest(Claim c) {
        if (c.stage() != Stage.INGEST) {
            throw new IllegalArgumentException("Not an ingest claim: " + c);
        }
    }

    /**
     * Completes a segment; the last one moves the job to transcoded and queues its export. Idempotent for its holder: a
     * completion whose first try was written but not acknowledged (the connection dropped) is recognised when it is
     * retried.
     *
     * <p>The segment's own row is completed in a statement of its own (one for all the segments this store's callers
     * complete at the same time, {@link Batcher}), without the job's lock, and only then are the job's segments counted:
     * the completion committed last is then one that counts none left (every other one committed before its count
     * began), and the move of the job is conditional on the job still transcoding, so exactly one completion moves it
     * however many count none left. Holding the job row from the first statement to the commit instead made every
     * segment of a job wait for its siblings' whole transactions (the claims benchmark counted 8,400 row-lock waits in
     * 10,000 completions). A node that dies between the two steps leaves a job with every segment done;
     * {@link #finishStrandedJobs} moves it on.
     *
     * @return true when this completion moved the job to transcoded
     * @throws LostClaimException when the claim was lost
     */
    public boolean completeTranscode(Claim c) {
        if (c.stage() != Stage.TRANSCODE) {
            throw new IllegalArgumentException("Not a transcode claim: " + c);
        }
        return segmentCompletions.call(c);
    }

    /** Completes every segment of the round with one statement, then moves on or updates the jobs they belong to. */
    private void completeTranscodes(List<Batcher.Slot<Claim, Boolean>> round) {
        Columns t = Stage.TRANSCODE.t;
        Condition fences = round.stream().map(s -> fence(s.request)).reduce(Condition::or).orElseThrow();
        int n = dsl.update(t.table()).set(t.status(), Status.COMPLETED).set(t.progress(), 1.0).setNull(t.leaseUntil()).where(fences).execute();
        if (n > round.size()) {
            throw new IllegalStateException(n + " rows matched the fenced claims " + round.stream().map(s -> s.request).toList());
        }
        List<Batcher.Slot<Claim, Boolean>> completed = new ArrayList<>();
        for (var slot : round) {
            Claim c = slot.request;
            if (n == round.size() || dsl.fetchExists(t.table(), t.id().eq(c.taskId()), t.node().eq(Uuids.bytes(c.node())),
                    t.attempt().eq(c.attempt()), t.status().eq(Status.COMPLETED))) {
                completed.add(slot);
            } else {
                slot.fail(new LostClaimException(c));
            }
        }
        Set<UUID> moved = finishIfTranscoded(completed.stream().map(s -> s.request.job()).collect(Collectors.toSet()));
        for (var slot : completed) {
            slot.succeed(moved.remove(slot.request.job()));
        }
    }

    /**
     * Moves every transcoding job of {@code jobs} whose segments are all completed to transcoded and queues its export,
     * and updates the progress of the others; returns the jobs this call moved.
     */
    private Set<UUID> finishIfTranscoded(Set<UUID> jobs) {
        Set<UUID> moved = new HashSet<>();
        if (jobs.isEmpty()) {
            return moved;
        }
        Field<byte[]> job = TRANSCODEJOB.FK_JOBUUID;
        var counts = dsl.select(job, DSL.count(DSL.when(TRANSCODEJOB.STATUS.ne(Status.COMPLETED), DSL.inline(1))), SEGMENTS_DONE)
                .from(TRANSCODEJOB).where(job.in(jobs.stream().map(Uuids::bytes).toList())).groupBy(job).fetch();
        List<byte[]> going = new ArrayList<>();
        CaseValueStep<byte[]> byJob = DSL.choose(JOB.JOBUUID);
        CaseWhenStep<byte[], Double> progress = null;
        for (var r : counts) {
            if (r.value2() > 0) {
                double p = transcodeProgress(r.value3());
                progress = progress == null ? byJob.when(r.value1(), p) : progress.when(r.value1(), p);
                going.add(r.value1());
            } else if (finishTranscoded(r.value1())) {
                moved.add(Uuids.uuid(r.value1()));
            }
        }
        if (progress != null) {
            dsl.update(JOB).set(JOB.PROGRESS, progress.otherwise(JOB.PROGRESS)).where(JOB.JOBUUID.in(going), JOB.STATUS.eq(Status.TRANSCODING))
                    .execute();
        }
        return moved;
    }

    /** Moves a job from transcoding to transcoded and queues its export; false when it is not transcoding (any more). */
    private boolean finishTranscoded(byte[] uuid) {
        return Sql.tx(dsl, tx -> {
            Status.requireJobMove(Status.TRANSCODING, Status.TRANSCODED);
            if (tx.update(JOB).set(JOB.STATUS, Status.TRANSCODED).set(JOB.PROGRESS, 0.9).set(JOB.LASTUPDATE, Sql.wallClock())
                    .where(JOB.JOBUUID.eq(uuid), JOB.STATUS.eq(Status.TRANSCODING)).execute() == 0) {
                return false;
            }
            tx.insertInto(EXPORTJOB, EXPORTJOB.FK_JOBUUID, EXPORTJOB.PRIORITY, EXPORTJOB.PAUSED, EXPORTJOB.ATTEMPT, EXPORTJOB.AVAILABLEAT)
                    .select(DSL.select(JOB.JOBUUID, JOB.PRIORITY, JOB.PAUSED, JOB.ATTEMPTFLOOR, Sql.now()).from(JOB).where(JOB.JOBUUID.eq(uuid)))
                    .onDuplicateKeyIgnore().execute();
            return true;
        });
    }

    /**
     * Moves on the jobs left transcoding with every segment completed (their last completion's node died between
     * completing the segment and moving the job); returns them. Part of any node's housekeeping.
     */
    public List<UUID> finishStrandedJobs() {
        var stranded = dsl.select(JOB.JOBUUID).from(JOB).where(JOB.STATUS.eq(Status.TRANSCODING),
                DSL.notExists(DSL.selectOne().from(TRANSCODEJOB).where(TRANSCODEJOB.FK_JOBUUID.eq(JOB.JOBUUID),
                        TRANSCODEJOB.STATUS.ne(Status.COMPLETED)))).limit(100).fetch(JOB.JOBUUID);
        return List.copyOf(finishIfTranscoded(stranded.stream().map(Uuids::uuid).collect(Collectors.toSet())));
    }

    /** A job's transcode task as the export sees it. */
    public record SegmentRow(int part, int status, int attempt, String info) {
    }

    /** Every transcode task of a job, by segment number. */
    public List<SegmentRow> segments(UUID job) {
        return dsl.select(TRANSCODEJOB.SEGMENTPART, TRANSCODEJOB.STATUS, TRANSCODEJOB.ATTEMPT, TRANSCODEJOB.SEGMENTINFO)
                .from(TRANSCODEJOB).where(TRANSCODEJOB.FK_JOBUUID.eq(Uuids.bytes(job))).orderBy(TRANSCODEJOB.SEGMENTPART)
                .fetch(r -> new SegmentRow(r.value1(), r.value2(), r.value3(), r.value4()));
    }

    /** The attempt under which each completed segment of a job was encoded (its files carry that token), by segment. */
    public List<Integer> completedSegmentAttempts(UUID job) {
        return dsl.select(TRANSCODEJOB.ATTEMPT).from(TRANSCODEJOB)
                .where(TRANSCODEJOB.FK_JOBUUID.eq(Uuids.bytes(job)), TRANSCODEJOB.STATUS.eq(Status.COMPLETED))
                .orderBy(TRANSCODEJOB.SEGMENTPART).fetch(TRANSCODEJOB.ATTEMPT);
    }

    /** Completes the export: the job is complete. */
    public void completeExport(Claim c, String deliveredFiles) {
        Sql.tx(dsl, tx -> {
            lockJob(tx, c);
            complete(tx, c);
            tx.update(JOB).set(JOB.COMPLETED, true).set(JOB.DATECOMPLETED, Sql.wallClock()).set(JOB.PROGRESS, 1.0)
                    .set(JOB.DELIVEREDFILES, deliveredFiles).where(JOB.JOBUUID.eq(Uuids.bytes(c.job()))).execute();
            moveJob(tx, c.job(), Status.COMPLETE);
            return null;
        });
    }

    /**
     * The export found segments missing: they go back to transcode, the export task is dropped (the last of them
     * to finish queues a new one) and the job returns to transcoding.
     */
    public void redoSegments(Claim export, List<Integer> segmentParts) {
        Sql.tx(dsl, tx -> {
            lockJob(tx, export);
            // The next export row of this job starts counting above this one's attempt: its token is never reused.
            raiseAttemptFloor(tx, export.job(), DSL.inline(export.attempt()));
            int deleted = tx.deleteFrom(EXPORTJOB).where(fence(export)).execute();
            owned(deleted, export, true);
            tx.update(TRANSCODEJOB).set(TRANSCODEJOB.STATUS, Status.READY).setNull(TRANSCODEJOB.FK_NODEUUID)
                    .where(TRANSCODEJOB.FK_JOBUUID.eq(Uuids.bytes(export.job())), TRANSCODEJOB.SEGMENTPART.in(segmentParts)).execute();
            moveJob(tx, export.job(), Status.TRANSCODING);
            return null;
        });
    }

    /** Gives a task back untouched (graceful stop): ready again at once, no failure counted. */
    public void release(Claim c) {
        Sql.tx(dsl, tx -> {
            int n = tx.update(c.stage().t.table()).set(c.stage().t.status(), Status.READY).setNull(c.stage().t.node())
                    .setNull(c.stage().t.leaseUntil()).where(fence(c)).execute();
            if (owned(n, c, false)) {
                rewindJob(tx, c.stage(), c.job());
            }
            return null;
        });
    }

    /**
     * Gives a task back like {@link #release}, without counting a failure, but claimable again only after {@code delay}
     * (on the database's clock), and notes {@code reason} in its lastError: the task could not run for a reason that is
     * not its own and may pass (its work folder is full). Fenced like every write of a claim.
     *
     * @return false when the claim was already lost (nothing is changed then)
     */
    public boolean postpone(Claim c, Duration delay, String reason) {
        Columns t = c.stage().t;
        String text = reason.length() > 4000 ? reason.substring(0, 4000) : reason;
        return Sql.tx(dsl, tx -> {
            // The job row first, as a failure does: a concurrent completion of a sibling locks it first too.
            if (tx.selectOne().from(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(c.job()))).forUpdate().fetchOne() == null) {
                return false;
            }
            int n = tx.update(t.table()).set(t.status(), Status.READY).setNull(t.node()).setNull(t.leaseUntil())
                    .set(t.availableAt(), Sql.nowPlus(delay)).set(t.lastError(), text).where(fence(c)).execute();
            if (!owned(n, c, false)) {
                return false;
            }
            rewindJob(tx, c.stage(), c.job());
            return true;
        });
    }

    /**
     * Records a failure. The task goes back to the queue after a backoff until it has failed
     * {@code failureTolerance} times; then, or at once when {@code permanent}, the job fails with {@code reason}.
     *
     * @throws LostClaimException when the claim was lost (the failure is not this node's to record)
     */
    public Outcome fail(Claim c, String reason, boolean permanent, int failureTolerance) {
        return Sql.tx(dsl, tx -> {
            lockJob(tx, c);
            return failLocked(tx, c.stage(), c.taskId(), c.job(), fence(c), reason, permanent, failureTolerance, c);
        });
    }

    /** A job that failed for good while its tasks were being recovered: its source goes to quarantine. */
    public record Recovered(UUID job, Stage stage, long taskId, Outcome outcome) {
    }

    /**
     * Takes back every task whose lease expired (its node died or froze): each counts as a failure, so a task
     * that kills every node that touches it ends its job instead of the cluster. Every expired task is reached,
     * page by page in id order, however many others expired too; one whose job row is gone (only possible before
     * the V4 cascade) is set to error instead, so that it cannot come back in every page.
     */
    public List<Recovered> recoverExpired(int failureTolerance) {
        List<Recovered> out = new ArrayList<>();
        for (Stage s : Stage.values()) {
            Columns t = s.t;
            long after = 0;
            for (;;) {
                var expired = dsl.select(t.id(), t.job(), t.node()).from(t.table())
                        .where(t.status().eq(Status.RUNNING), t.leaseUntil().lt(Sql.now()), t.id().gt(after))
                        .orderBy(t.id()).limit(RECOVERY_PAGE).fetch();
                for (var r : expired) {
                    Recovered done = recoverOne(s, r.get(t.id()), Uuids.uuid(r.get(t.job())), r.get(t.node()), failureTolerance);
                    if (done != null) {
                        out.add(done);
                    }
                }
                if (expired.size() < RECOVERY_PAGE) {
                    break;
                }
                after = expired.get(expired.size() - 1).get(t.id());
            }
        }
        return out;
    }

    private static final int RECOVERY_PAGE = 100;

    /** Recovers one expired task, unless another node did first; null then. */
    private Recovered recoverOne(Stage s, long taskId, UUID job, byte[] node, int failureTolerance) {
        Columns t = s.t;
        Condition stillExpired = t.id().eq(taskId).and(t.status().eq(Status.RUNNING)).and(t.leaseUntil().lt(Sql.now()));
        Outcome o = Sql.tx(dsl, tx -> {
            if (tx.selectOne().from(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(job))).forUpdate().fetchOne() == null) {
                markNotRun(tx, s, stillExpired, "its job row is gone");
                return null;
            }
            return failLocked(tx, s, taskId, job, stillExpired, "abandoned by node " + (node == null ? "?" : Uuids.uuid(node))
                    + " (its lease expired)", false, failureTolerance, null);
        });
        return o == null ? null : new Recovered(job, s, taskId, o);
    }

    private Outcome failLocked(DSLContext tx, Stage s, long taskId, UUID job, Condition owner, String reason, boolean permanent,
            int tolerance, Claim claim) {
        Columns t = s.t;
        Record row = tx.select(t.failures()).from(t.table()).where(owner).forUpdate().fetchOne();
        if (row == null) {
            if (claim != null) {
                throw new LostClaimException(claim);
            }
            return null;
        }
        int failures = row.get(t.failures()) + 1;
        boolean fatal = permanent || failures >= tolerance;
        String text = reason.length() > 4000 ? reason.substring(0, 4000) : reason;
        tx.update(t.table()).set(t.failures(), failures).set(t.lastError(), text).setNull(t.node()).setNull(t.leaseUntil())
                .set(t.status(), fatal ? Status.ERROR : Status.READY)
                .set(t.availableAt(), Sql.nowPlus(Duration.ofSeconds(Math.min(60, 1L << Math.min(failures, 6)))))
                .where(t.id().eq(taskId)).execute();
        if (!fatal) {
            rewindJob(tx, s, job);
            return Outcome.RETRY;
        }
        failJob(tx, job, (permanent ? "" : "failed " + failures + " time(s) in " + s.name().toLowerCase(java.util.Locale.ROOT) + ": ") + text);
        return Outcome.JOB_FAILED;
    }

    /**
     * Marks a job failed and ends its other tasks: ready ones are never claimed, and running ones lose their claims
     * (their holders get {@link LostClaimException} or false from progress and stop). Left running, such a task would
     * go back to ready when it failed, was released or expired, and a ready ingest or export of a failed job makes
     * every later claim of its stage throw on the forbidden job move.
     */
    static void failJob(DSLContext tx, UUID job, String reason) {
        // The reason first: the move writes the job.failed event with the job as it is then.
        tx.update(JOB).set(JOB.FAILED, true).set(JOB.FAILUREREASON, reason.length() > 4000 ? reason.substring(0, 4000) : reason)
                .where(JOB.JOBUUID.eq(Uuids.bytes(job))).execute();
        moveJob(tx, job, Status.FAILED);
        for (Stage s : Stage.values()) {
            tx.update(s.t.table()).set(s.t.status(), Status.ERROR).setNull(s.t.leaseUntil())
                    .where(s.t.job().eq(Uuids.bytes(job)), s.t.status().in(Status.READY, Status.RUNNING)).execute();
        }
    }

    /** A task going back to ready moves its job back to the state before the stage began. */
    private static void rewindJob(DSLContext tx, Stage s, UUID job) {
        Integer status = tx.select(JOB.STATUS).from(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(job))).fetchOne(JOB.STATUS);
        if (s == Stage.INGEST && status != null && status == Status.INGESTING) {
            dropSegments(tx, job);
            moveJob(tx, job, Status.IMPORTED);
        } else if (s == Stage.EXPORT && status != null && status == Status.EXPORTING) {
            moveJob(tx, job, Status.TRANSCODED);
        }
    }

    /**
     * Deletes the segments an ingest queued before it stopped short (the next ingest cuts and queues them again), raising
     * the job's attempt floor above their attempts first, so that no (task, attempt) pair and no file name is issued
     * twice: a transcode still running on one of them loses its claim.
     */
    private static void dropSegments(DSLContext tx, UUID job) {
        byte[] id = Uuids.bytes(job);
        raiseAttemptFloor(tx, job, DSL.field(DSL.select(DSL.max(TRANSCODEJOB.ATTEMPT)).from(TRANSCODEJOB).where(TRANSCODEJOB.FK_JOBUUID.eq(id))));
        tx.deleteFrom(TRANSCODEJOB).where(TRANSCODEJOB.FK_JOBUUID.eq(id)).execute();
    }

    /** A transcoding job's progress from its segments; a job past the stage keeps the progress it has. */
    private static void updateTranscodeProgress(DSLContext tx, UUID job) {
        Double done = tx.select(SEGMENTS_DONE).from(TRANSCODEJOB).where(TRANSCODEJOB.FK_JOBUUID.eq(Uuids.bytes(job))).fetchOne(SEGMENTS_DONE);
        tx.update(JOB).set(JOB.PROGRESS, transcodeProgress(done)).where(JOB.JOBUUID.eq(Uuids.bytes(job)), JOB.STATUS.eq(Status.TRANSCODING))
                .execute();
    }

    /** A transcoding job's progress: ingest was the first tenth, its segments (SEGMENTS_DONE, null for none) the next eight. */
    private static double transcodeProgress(Double segmentsDone) {
        return 0.1 + 0.8 * (segmentsDone == null ? 0 : segmentsDone);
    }

    /** Recomputes a transcoding job's progress from its segments. */
    public void refreshJobProgress(UUID job) {
        updateTranscodeProgress(dsl, job);
    }

    static void moveJob(DSLContext tx, UUID job, int to) {
        Integer from = tx.select(JOB.STATUS).from(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(job))).fetchOne(JOB.STATUS);
        if (from == null) {
            return;
        }
        Status.requireJobMove(from, to);
        tx.update(JOB).set(JOB.STATUS, to).set(JOB.LASTUPDATE, Sql.wallClock()).where(JOB.JOBUUID.eq(Uuids.bytes(job))).execute();
        // The webhook event commits, or rolls back, with the move itself.
        Outbox.jobMoved(tx, job, from, to);
    }

    /**
     * Raises the job's attemptFloor to {@code attempt} when that is higher: task rows of the job created later start
     * their attempt counter (the fencing token) there. Called before task rows are deleted.
     */
    static void raiseAttemptFloor(DSLContext tx, UUID job, Field<Integer> attempt) {
        tx.update(JOB).set(JOB.ATTEMPTFLOOR, DSL.greatest(JOB.ATTEMPTFLOOR, DSL.coalesce(attempt, 0)))
                .where(JOB.JOBUUID.eq(Uuids.bytes(job))).execute();
    }

    private static org.mpp.store.schema.tables.records.JobRecord lockJob(DSLContext tx, Claim c) {
        var job = tx.selectFrom(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(c.job()))).forUpdate().fetchOne();
        if (job == null) {
            throw new LostClaimException(c);
        }
        return job;
    }

    private static void complete(DSLContext tx, Claim c) {
        Columns t = c.stage().t;
        owned(tx.update(t.table()).set(t.status(), Status.COMPLETED).set(t.progress(), 1.0).setNull(t.leaseUntil())
                .where(fence(c)).execute(), c, true);
    }

    static Condition fence(Claim c) {
        Columns t = c.stage().t;
        return t.id().eq(c.taskId()).and(t.node().eq(Uuids.bytes(c.node()))).and(t.attempt().eq(c.attempt()))
                .and(t.status().eq(Status.RUNNING));
    }

    /**
     * Sets the task {@code which} selects to error with "Not run: {@code why}" in its lastError: a task that can never run
     * (its job row is gone, or its job is in a state the stage cannot start from), so that claims and recovery stop
     * finding it.
     */
    static void markNotRun(DSLContext tx, Stage s, Condition which, String why) {
        Columns t = s.t;
        tx.update(t.table()).set(t.status(), Status.ERROR).set(t.lastError(), "Not run: " + why).setNull(t.node()).setNull(t.leaseUntil())
                .where(which).execute();
    }

    /** Zero rows: the claim is lost; more than one: a bug. */
    private static boolean owned(int rows, Claim c, boolean required) {
        if (rows > 1) {
            throw new IllegalStateException(rows + " rows matched the fenced claim " + c);
        }
        if (rows == 0 && required) {
            throw new LostClaimException(c);
        }
        return rows == 1;
    }
}
