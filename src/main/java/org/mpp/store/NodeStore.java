package org.mpp.store;

import static org.mpp.store.schema.Tables.NODE;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;

/** The node table: registration, heartbeats, operator control and purging of silent nodes. Thread-safe. */
public final class NodeStore {
    private final DSLContext dsl;

    public NodeStore(Database db) {
        this.dsl = db.dsl();
    }

    /** What the operator wants of a node, read at each heartbeat. {@code exists} false: its row was deleted. */
    public record Control(boolean exists, boolean terminate, boolean authorised) {
    }

    /**
     * A node as operators see it. lastAccess is on the database's UTC clock (it is a liveness time), startedAt on its
     * local time.
     *
     * @param active whether it ran a task at its last heartbeat ({@code node.isActive})
     * @param job a job it worked on then ({@code node.fk_jobUUID}); null when idle
     */
    public record NodeView(long id, UUID uuid, String hostname, String roles, String version, LocalDateTime lastAccess,
            LocalDateTime startedAt, boolean authorised, boolean terminate, boolean active, UUID job) {
    }

    /**
     * Adds the node's row, idle. {@code roles} is its worker counts ({@code "ingest=1,transcode=4,export=1"}); the
     * seed's {@code type} code is its main role ({@link NodeType#mainRole(String)}), null when it runs no worker.
     */
    public void register(UUID node, String hostname, String roles, String version) {
        Integer type = NodeType.mainRole(roles).map(NodeType::code).orElse(null);
        dsl.insertInto(NODE).set(NODE.NODEUUID, Uuids.bytes(node)).set(NODE.HOSTNAME, hostname).set(NODE.ROLES, roles)
                .set(NODE.TYPE, type).set(NODE.ISACTIVE, false).set(NODE.VERSION, version).set(NODE.LASTACCESS, Sql.now())
                .set(NODE.STARTEDAT, Sql.wallClock()).execute();
    }

    /** A heartbeat of an idle node: {@link #heartbeat(UUID, UUID)} with no job. */
    public Control heartbeat(UUID node) {
        return heartbeat(node, null);
    }

    /**
     * Proves the node is alive (on the database's clock), records whether it is working ({@code isActive} 1 and
     * {@code fk_jobUUID} = {@code job}) or idle ({@code job} null: 0 and null), as the seed's interface reads them, and
     * reads its control flags.
     */
    public Control heartbeat(UUID node, UUID job) {
        int n = dsl.update(NODE).set(NODE.LASTACCESS, Sql.now()).set(NODE.ISACTIVE, job != null)
                .set(NODE.FK_JOBUUID, job == null ? null : Uuids.bytes(job)).where(NODE.NODEUUID.eq(Uuids.bytes(node))).execute();
        if (n == 0) {
            return new Control(false, true, false);
        }
        var r = dsl.select(NODE.TERMINATE, NODE.AUTHORISE).from(NODE).where(NODE.NODEUUID.eq(Uuids.bytes(node))).fetchOne();
        return r == null ? new Control(false, true, false) : new Control(true, Boolean.TRUE.equals(r.value1()), Boolean.TRUE.equals(r.value2()));
    }

    /** Removes nodes silent for longer than {@code timeout}; their tasks are recovered through their leases. */
    public int purgeSilent(Duration timeout) {
        return dsl.deleteFrom(NODE).where(NODE.LASTACCESS.lt(Sql.nowMinus(timeout))).execute();
    }

    public void unregister(UUID node) {
        dsl.deleteFrom(NODE).where(NODE.NODEUUID.eq(Uuids.bytes(node))).execute();
    }

    public List<NodeView> list() {
        return dsl.selectFrom(NODE).orderBy(NODE.NODEID).fetch(r -> new NodeView(r.getNodeid(), Uuids.uuid(r.getNodeuuid()),
                r.getHostname(), r.getRoles(), r.getVersion(), r.getLastaccess(), r.getStartedat(), Boolean.TRUE.equals(r.getAuthorise()),
                Boolean.TRUE.equals(r.getTerminate()), Boolean.TRUE.equals(r.getIsactive()),
                r.getFkJobuuid() == null ? null : Uuids.uuid(r.getFkJobuuid())));
    }

    /** Sets authorise (claims allowed) of a node by id or UUID; false when there is no such node. */
    public boolean setAuthorised(String idOrUuid, boolean authorised) {
        return dsl.update(NODE).set(NODE.AUTHORISE, authorised).where(match(idOrUuid)).execute() == 1;
    }

    /** Asks a node to stop safely. */
    public boolean terminate(String idOrUuid) {
        return dsl.update(NODE).set(NODE.TERMINATE, true).where(match(idOrUuid)).execute() == 1;
    }

    private static org.jooq.Condition match(String idOrUuid) {
        try {
            return NODE.NODEUUID.eq(Uuids.bytes(UUID.fromString(idOrUuid)));
        } catch (IllegalArgumentException e) {
            try {
                return NODE.NODEID.eq(Long.parseLong(idOrUuid));
            } catch (NumberFormatException n) {
                return org.jooq.impl.DSL.falseCondition();
            }
        }
    }
}
