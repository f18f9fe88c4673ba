package org.mpp.fault.process;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.mpp.store.Database;
import org.mpp.store.Status;
import org.mpp.store.Uuids;

/**
 * A record, kept by the database itself, of every change of a task's owner, status, attempt or failure count: MariaDB
 * triggers on {@code ingestJob}, {@code transcodeJob} and {@code exportJob} append one row to {@code fault_audit} per
 * such update, in the updating transaction and stamped with the database's clock. The product's tables hold only the
 * last state of a task; the audit holds its history, so a test can count completions (exactly one per task), see
 * claims (the attempt went up) and recoveries, and time them.
 *
 * <p>Lease renewals and progress writes change none of those columns and are not recorded. A transaction that rolls
 * back (a retried deadlock) leaves no audit row. Thread-safe.
 */
final class TaskAudit {
    private static final String[][] TABLES = {
            {"ingest", "ingestJob", "ingestJobID", "NULL"},
            {"transcode", "transcodeJob", "transcodeJobID", "NEW.segmentPart"},
            {"export", "exportJob", "exportJobID", "NULL"}};

    private final DSLContext dsl;

    private TaskAudit(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Creates the audit table and its triggers in the database (once, after the schema migrations). */
    static TaskAudit install(Database db) {
        DSLContext dsl = db.dsl();
        dsl.execute("""
                CREATE TABLE fault_audit (
                  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  stage VARCHAR(9) NOT NULL, taskId BIGINT NOT NULL, jobUUID BINARY(16) NOT NULL, segmentPart INT NULL,
                  oldStatus INT NULL, newStatus INT NULL, oldAttempt INT NULL, newAttempt INT NULL,
                  oldNode BINARY(16) NULL, newNode BINARY(16) NULL, oldFailures INT NULL, newFailures INT NULL,
                  lastError VARCHAR(300) NULL, availableAt DATETIME(6) NULL, at DATETIME(6) NOT NULL)""");
        for (String[] t : TABLES) {
            dsl.execute("CREATE TRIGGER fault_audit_" + t[0] + " AFTER UPDATE ON " + t[1] + " FOR EACH ROW "
                    + "IF NOT (NEW.status <=> OLD.status AND NEW.attempt <=> OLD.attempt AND NEW.fk_nodeUUID <=> OLD.fk_nodeUUID "
                    + "AND NEW.failures <=> OLD.failures) THEN "
                    + "INSERT INTO fault_audit (stage, taskId, jobUUID, segmentPart, oldStatus, newStatus, oldAttempt, newAttempt, "
                    + "oldNode, newNode, oldFailures, newFailures, lastError, availableAt, at) VALUES ('" + t[0] + "', NEW." + t[2]
                    + ", NEW.fk_jobUUID, " + t[3] + ", OLD.status, NEW.status, OLD.attempt, NEW.attempt, OLD.fk_nodeUUID, "
                    + "NEW.fk_nodeUUID, OLD.failures, NEW.failures, LEFT(NEW.lastError, 300), NEW.availableAt, NOW(6)); END IF");
            dsl.execute("CREATE TRIGGER fault_audit_" + t[0] + "_delete AFTER DELETE ON " + t[1] + " FOR EACH ROW "
                    + "INSERT INTO fault_audit (stage, taskId, jobUUID, segmentPart, oldStatus, newStatus, oldAttempt, newAttempt, "
                    + "oldNode, newNode, oldFailures, newFailures, lastError, at) VALUES ('" + t[0] + "', OLD." + t[2]
                    + ", OLD.fk_jobUUID, " + t[3].replace("NEW.", "OLD.") + ", OLD.status, NULL, OLD.attempt, NULL, OLD.fk_nodeUUID, "
                    + "NULL, OLD.failures, NULL, NULL, NOW(6))");
        }
        return new TaskAudit(dsl);
    }

    /** A task: its stage and id. */
    record TaskKey(String stage, long id) {
        @Override
        public String toString() {
            return stage + " task " + id;
        }
    }

    /**
     * One recorded change. {@code newStatus} is null for a deleted task; nodes are null when unset; {@code availableAt}
     * is when the task may be claimed again (after a failure's backoff).
     */
    record Event(long seq, TaskKey task, UUID job, Integer segmentPart, Integer oldStatus, Integer newStatus, Integer oldAttempt,
            Integer newAttempt, UUID oldNode, UUID newNode, Integer oldFailures, Integer newFailures, String lastError,
            LocalDateTime availableAt, LocalDateTime at) {

        /** A node claimed the task: the attempt (fencing token) went up. */
        boolean isClaim() {
            return newAttempt != null && oldAttempt != null && newAttempt > oldAttempt;
        }

        /** The task was completed (by {@link #oldNode}, under {@link #oldAttempt}). */
        boolean isCompletion() {
            return Objects.equals(newStatus, Status.COMPLETED) && !Objects.equals(oldStatus, Status.COMPLETED);
        }

        /** A running task was taken back because its lease expired (counted as a failure). */
        boolean isRecovery() {
            return Objects.equals(oldStatus, Status.RUNNING) && newFailures != null && newFailures > oldFailures
                    && lastError != null && lastError.startsWith("abandoned by node");
        }

        /** A running task failed on its node (counted as a failure). */
        boolean isFailure() {
            return Objects.equals(oldStatus, Status.RUNNING) && newFailures != null && newFailures > oldFailures && !isRecovery();
        }

        /** A running task was given back without a failure (graceful stop). */
        boolean isRelease() {
            return Objects.equals(oldStatus, Status.RUNNING) && Objects.equals(newStatus, Status.READY)
                    && Objects.equals(oldFailures, newFailures);
        }

        /** A completed task was sent back to work (the export found its files missing) or deleted. */
        boolean isUndo() {
            return Objects.equals(oldStatus, Status.COMPLETED) && !Objects.equals(newStatus, Status.COMPLETED);
        }
    }

    /** Every recorded change, oldest first. */
    List<Event> events() {
        return dsl.fetch("SELECT id, stage, taskId, jobUUID, segmentPart, oldStatus, newStatus, oldAttempt, newAttempt, oldNode, "
                + "newNode, oldFailures, newFailures, lastError, availableAt, at FROM fault_audit ORDER BY id").map(r -> new Event(
                r.get(0, Long.class), new TaskKey(r.get(1, String.class), r.get(2, Long.class)), Uuids.uuid(r.get(3, byte[].class)),
                r.get(4, Integer.class), r.get(5, Integer.class), r.get(6, Integer.class), r.get(7, Integer.class),
                r.get(8, Integer.class), uuid(r.get(9, byte[].class)), uuid(r.get(10, byte[].class)), r.get(11, Integer.class),
                r.get(12, Integer.class), r.get(13, String.class), r.get(14, LocalDateTime.class), r.get(15, LocalDateTime.class)));
    }

    /** The database's clock now (the audit's time base). */
    LocalDateTime now() {
        return dsl.fetchValue(DSL.field("NOW(6)", LocalDateTime.class));
    }

    /** The tasks a node holds (running under it) right now. */
    List<TaskKey> runningOn(UUID node) {
        List<TaskKey> out = new ArrayList<>();
        for (String[] t : TABLES) {
            out.addAll(dsl.fetch("SELECT " + t[2] + " FROM " + t[1] + " WHERE fk_nodeUUID = ? AND status = ?", Uuids.bytes(node),
                    Status.RUNNING).map(r -> new TaskKey(t[0], r.get(0, Long.class))));
        }
        return out;
    }

    /** Nodes holding at least one running task right now. */
    List<UUID> busyNodes() {
        List<UUID> out = new ArrayList<>();
        for (String[] t : TABLES) {
            out.addAll(dsl.fetch("SELECT DISTINCT fk_nodeUUID FROM " + t[1] + " WHERE status = ? AND fk_nodeUUID IS NOT NULL",
                    Status.RUNNING).map(r -> Uuids.uuid(r.get(0, byte[].class))));
        }
        return out.stream().distinct().toList();
    }

    /** The first claim of {@code task} recorded after {@code since}. */
    static Optional<Event> nextClaim(List<Event> events, TaskKey task, LocalDateTime since) {
        return events.stream().filter(e -> e.task().equals(task) && e.isClaim() && e.at().isAfter(since)).findFirst();
    }

    /** The first lease recovery of {@code task} recorded after {@code since}. */
    static Optional<Event> nextRecovery(List<Event> events, TaskKey task, LocalDateTime since) {
        return events.stream().filter(e -> e.task().equals(task) && e.isRecovery() && e.at().isAfter(since)).findFirst();
    }

    /** Completions per task (tasks never completed are absent). */
    static Map<TaskKey, List<Event>> completionsByTask(List<Event> events) {
        return events.stream().filter(Event::isCompletion).collect(Collectors.groupingBy(Event::task, LinkedHashMap::new, Collectors.toList()));
    }

    /** The tasks that reached completed more than once (should be none). */
    static Map<TaskKey, List<Event>> duplicateCompletions(List<Event> events) {
        return completionsByTask(events).entrySet().stream().filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** Seconds between two database times, with millisecond precision. */
    static double seconds(LocalDateTime from, LocalDateTime to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    /** A short, readable list of events for failure messages. */
    static String describe(List<Event> events) {
        return events.stream().sorted(Comparator.comparingLong(Event::seq)).map(e -> e.at() + " " + e.task() + " job " + e.job()
                + (e.segmentPart() == null ? "" : " seg " + e.segmentPart()) + " status " + e.oldStatus() + "->" + e.newStatus()
                + " attempt " + e.oldAttempt() + "->" + e.newAttempt() + " node " + shortId(e.oldNode()) + "->" + shortId(e.newNode())
                + " failures " + e.oldFailures() + "->" + e.newFailures() + (e.lastError() == null ? "" : " (" + e.lastError() + ")"))
                .collect(Collectors.joining("\n"));
    }

    static String shortId(UUID u) {
        return u == null ? "-" : u.toString().substring(0, 8);
    }

    private static UUID uuid(byte[] b) {
        return b == null ? null : Uuids.uuid(b);
    }
}
