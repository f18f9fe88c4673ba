package org.mpp.store;

import static org.mpp.store.schema.Tables.JOB;
import static org.mpp.store.schema.Tables.TRANSCODEJOB;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.mpp.store.Stage.Columns;

/**
 * How {@link TaskStore} claims tasks: one short locking transaction ({@code SELECT ... FOR UPDATE SKIP LOCKED}, then an
 * update by primary key) that sets the tasks running under the node, increments their attempt counters (the fencing
 * tokens), starts their leases on the database's UTC clock and moves their jobs; a task whose job cannot take it is set to
 * error on the way instead of failing the whole claim. Concurrent claims of one node's stage share a transaction
 * ({@link Batcher}). Package-private: {@link TaskStore} is the front door. Thread-safe.
 */
final class Claims {
    private static final Pattern MARIADB_VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.\\d+-MariaDB", Pattern.CASE_INSENSITIVE);
    private final DSLContext dsl;
    /** Whether the claim index's DESC order is real here, so that one query locks exactly the rows a claim takes. */
    private final boolean descendingIndexes;
    private final Map<Claimer, Batcher<ClaimRequest, List<Claim>>> claimers = new ConcurrentHashMap<>();

    /** With {@code descendingIndexes} false, claims lock one priority level at a time, as on MariaDB before 10.8. */
    Claims(DSLContext dsl, boolean descendingIndexes) {
        this.dsl = dsl;
        this.descendingIndexes = descendingIndexes;
    }

    /**
     * Claims up to {@code max} ready tasks of a stage for {@code node}, highest priority first, then oldest. Concurrent
     * claims of one stage for one node share a transaction ({@link Batcher}).
     */
    List<Claim> claim(Stage stage, UUID node, int max, Duration lease) {
        return claimers.computeIfAbsent(new Claimer(stage, node), k -> new Batcher<>(round -> claimRound(stage, node, round)))
                .call(new ClaimRequest(max, lease));
    }

    private record Claimer(Stage stage, UUID node) {
    }

    private record ClaimRequest(int max, Duration lease) {
    }

    /** One transaction for every claim in the round; the rows go to the callers in the order they asked. */
    private void claimRound(Stage stage, UUID node, List<Batcher.Slot<ClaimRequest, List<Claim>>> round) {
        int total = round.stream().mapToInt(s -> s.request.max()).sum();
        Duration lease = round.stream().map(s -> s.request.lease()).max(Duration::compareTo).orElseThrow();
        List<Claim> claims = claimNow(stage, node, total, lease);
        int next = 0;
        for (var slot : round) {
            int end = Math.min(claims.size(), next + slot.request.max());
            slot.succeed(List.copyOf(claims.subList(next, end)));
            next = end;
        }
    }

    private List<Claim> claimNow(Stage stage, UUID node, int max, Duration lease) {
        Columns t = stage.t;
        return Sql.tx(dsl, tx -> {
            List<Record> rows = new ArrayList<>();
            Set<Long> taken = new HashSet<>();
            for (;;) {
                // Tasks that cannot run are set to error as they are found, so the next look skips them and reaches
                // further; the runnable ones found before are still ready (and locked by us) and come back again.
                List<Record> locked = lockReady(tx, stage, max);
                List<Record> fresh = locked.stream().filter(r -> !taken.contains(r.get(t.id()))).toList();
                List<Record> runnable = withoutStuckTasks(tx, stage, fresh);
                runnable.forEach(r -> taken.add(r.get(t.id())));
                rows.addAll(runnable);
                if (runnable.size() == fresh.size() || locked.size() < max) {
                    break;
                }
            }
            if (rows.isEmpty()) {
                return List.of();
            }
            List<Long> ids = rows.stream().map(r -> r.get(t.id())).toList();
            int updated = tx.update(t.table()).set(t.status(), Status.RUNNING).set(t.node(), Uuids.bytes(node))
                    .set(t.attempt(), t.attempt().plus(1)).set(t.leaseUntil(), Sql.nowPlus(lease)).set(t.progress(), 0.0)
                    .where(t.id().in(ids), t.status().eq(Status.READY)).execute();
            if (updated != ids.size()) {
                throw new IllegalStateException("Claimed " + ids.size() + " " + stage + " rows under lock but updated " + updated);
            }
            List<Claim> claims = new ArrayList<>();
            for (Record r : rows) {
                // The rows stay locked from the read to the commit: the attempt just written is the one read plus one.
                claims.add(new Claim(stage, r.get(t.id()), Uuids.uuid(r.get(t.job())), node, r.get(t.attempt()) + 1,
                        stage == Stage.TRANSCODE ? r.get(TRANSCODEJOB.SEGMENTPART) : -1,
                        stage == Stage.TRANSCODE ? r.get(TRANSCODEJOB.SEGMENTINFO) : null));
                if (stage != Stage.TRANSCODE) {
                    TaskStore.moveJob(tx, Uuids.uuid(r.get(t.job())), stage == Stage.INGEST ? Status.INGESTING : Status.EXPORTING);
                }
            }
            return claims;
        });
    }

    /**
     * Of the locked ready tasks, those whose job can take them; the others are set to error with the reason in lastError
     * (in the claim's transaction) and left out. A task whose job row is gone, or whose job is in a state the stage
     * cannot start from (an operator set it failed or complete by hand while the task was ready), could never be run:
     * claiming it threw on the forbidden job move and rolled back the whole claim, on every node, at every poll, so one
     * such row stopped its stage for the whole cluster.
     */
    private static List<Record> withoutStuckTasks(DSLContext tx, Stage stage, List<Record> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        Columns t = stage.t;
        Map<UUID, Integer> statusOf = new java.util.HashMap<>();
        tx.select(JOB.JOBUUID, JOB.STATUS).from(JOB).where(JOB.JOBUUID.in(rows.stream().map(r -> r.get(t.job())).toList()))
                .forEach(j -> statusOf.put(Uuids.uuid(j.value1()), j.value2()));
        List<Record> runnable = new ArrayList<>();
        for (Record r : rows) {
            Integer status = statusOf.get(Uuids.uuid(r.get(t.job())));
            String why = status == null ? "its job row is gone" : startsFrom(stage, status) ? null
                    : "its job is " + Status.jobName(status) + " (" + status + "), from which " + stage.name().toLowerCase(Locale.ROOT)
                    + " cannot start";
            if (why == null) {
                runnable.add(r);
            } else {
                TaskStore.markNotRun(tx, stage, t.id().eq(r.get(t.id())).and(t.status().eq(Status.READY)), why);
            }
        }
        return runnable;
    }

    /** Whether a ready task of {@code stage} may be claimed while its job is in {@code jobStatus}. */
    private static boolean startsFrom(Stage stage, int jobStatus) {
        return switch (stage) {
            case INGEST -> Status.jobMoveAllowed(jobStatus, Status.INGESTING);
            // Segments are ready while their job transcodes (an ingest's completion and an export's redo move it there)
            // and while it is still ingesting: the cut queues each segment as soon as it is written.
            case TRANSCODE -> jobStatus == Status.TRANSCODING || jobStatus == Status.INGESTING;
            case EXPORT -> Status.jobMoveAllowed(jobStatus, Status.EXPORTING);
        };
    }

    /**
     * Locks up to {@code max} ready tasks of a stage, highest priority first, then oldest, and reads what a claim needs
     * of them (id, job, attempt; segment number and description for transcode tasks), all in one statement where the
     * database honours the claim index's order (V3: status, paused, priority DESC, id): the scan then stops at the limit
     * and skips the rows other claims hold. Where it does not (MariaDB before 10.8 keeps the index ascending), ordering
     * by "priority DESC, id" would read, sort and lock every ready row, and every concurrent claim would skip them all
     * and come back empty; there the rows are locked one priority level at a time, within which the index yields id
     * order.
     */
    List<Record> lockReady(DSLContext tx, Stage stage, int max) {
        Columns t = stage.t;
        List<Field<?>> fields = new ArrayList<>(List.of(t.id(), t.job(), t.attempt()));
        if (stage == Stage.TRANSCODE) {
            fields.addAll(List.of(TRANSCODEJOB.SEGMENTPART, TRANSCODEJOB.SEGMENTINFO));
        }
        Condition waiting = waiting(t);
        if (descendingIndexes) {
            return new ArrayList<>(tx.select(fields).from(t.table()).where(claimableNow(t))
                    .orderBy(t.priority().desc(), t.id()).limit(max).forUpdate().skipLocked().fetch());
        }
        List<Record> rows = new ArrayList<>();
        Integer level = tx.select(DSL.max(t.priority())).from(t.table()).where(waiting).fetchOne(0, Integer.class);
        while (level != null && rows.size() < max) {
            rows.addAll(tx.select(fields).from(t.table()).where(waiting, t.priority().eq(level), t.availableAt().le(Sql.now()))
                    .orderBy(t.id()).limit(max - rows.size()).forUpdate().skipLocked().fetch());
            level = tx.select(DSL.max(t.priority())).from(t.table()).where(waiting, t.priority().lt(level)).fetchOne(0, Integer.class);
        }
        return rows;
    }

    /** A task that waits for a claim: ready and not paused (it may still be held back: {@link #claimableNow}). */
    private static Condition waiting(Columns t) {
        return t.status().eq(Status.READY).and(t.paused().isFalse());
    }

    /** A task a claim takes now: waiting, and its availableAt (a retry's backoff) reached on the database's clock. */
    static Condition claimableNow(Columns t) {
        return waiting(t).and(t.availableAt().le(Sql.now()));
    }

    /** True where an index keeps a column DESC: MySQL 8, MariaDB 10.8 and later, H2. Older MariaDB parses and ignores it. */
    static boolean honoursDescendingIndexes(Database db) {
        try (Connection c = db.dataSource().getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            if (md.getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2")) {
                return true;
            }
            // Connector/J reports MariaDB as "5.5.5-10.11.19-MariaDB-...", MariaDB's own driver as "10.11.19-MariaDB-...".
            Matcher m = MARIADB_VERSION.matcher(md.getDatabaseProductVersion());
            if (m.find()) {
                int major = Integer.parseInt(m.group(1));
                return major > 10 || major == 10 && Integer.parseInt(m.group(2)) >= 8;
            }
            return md.getDatabaseMajorVersion() >= 8;
        } catch (SQLException e) {
            // Claiming one priority level at a time is correct everywhere, only slower.
            return false;
        }
    }
}
