package org.mpp.store;

import static org.mpp.store.schema.Tables.JOB;
import static org.mpp.store.schema.Tables.NODE;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Counts for monitoring (the HTTP service's /metrics): a few grouped reads, no locks. Thread-safe. */
public final class ClusterStats {
    private final DSLContext dsl;

    public ClusterStats(Database db) {
        this.dsl = db.dsl();
    }

    /** How many tasks of a stage are in a status. */
    public record TaskCount(Stage stage, int status, long count) {
    }

    /** How long ago a node last proved it was alive, on the database's clock. */
    public record Heartbeat(UUID node, String hostname, Duration age) {
    }

    /** Proves the database answers; throws when it does not. */
    public void ping() {
        dsl.selectOne().fetch();
    }

    /** Jobs per status code. */
    public Map<Integer, Integer> jobsByStatus() {
        return dsl.select(JOB.STATUS, DSL.count()).from(JOB).groupBy(JOB.STATUS).fetchMap(JOB.STATUS, DSL.count());
    }

    /** Tasks per stage and status. */
    public List<TaskCount> tasks() {
        List<TaskCount> out = new ArrayList<>();
        for (Stage s : Stage.values()) {
            dsl.select(s.t.status(), DSL.count()).from(s.t.table()).groupBy(s.t.status())
                    .forEach(r -> out.add(new TaskCount(s, r.value1(), r.value2())));
        }
        return out;
    }

    /** Tasks ready to be claimed now (not paused, not waiting out a retry delay), over every stage. */
    public long queueDepth() {
        long n = 0;
        for (Stage s : Stage.values()) {
            n += dsl.selectCount().from(s.t.table())
                    .where(s.t.status().eq(Status.READY), s.t.paused().isFalse(), s.t.availableAt().le(Sql.now())).fetchOne(0, Long.class);
        }
        return n;
    }

    /** Every node's heartbeat age. */
    public List<Heartbeat> heartbeats() {
        var now = dsl.select(Sql.now()).fetchOne(0, java.time.LocalDateTime.class);
        return dsl.select(NODE.NODEUUID, NODE.HOSTNAME, NODE.LASTACCESS).from(NODE).orderBy(NODE.NODEID)
                .fetch(r -> new Heartbeat(Uuids.uuid(r.value1()), r.value2(), Duration.between(r.value3(), now)));
    }
}
