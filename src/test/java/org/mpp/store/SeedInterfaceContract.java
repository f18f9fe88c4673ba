package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * What the seed's HTML interface reads, read as it reads it (plain SQL): the policy types that make its switches and
 * number fields, the node's Type code, and whether a node is busy and with which job (shared/SEED-INTERFACE.md).
 */
interface SeedInterfaceContract extends StoreContract {

    @Test
    default void policyTypesAreTheSeedsBooleanAndInteger() throws Exception {
        control().setPolicy("nodeTimeout", "45");
        f().dsl.deleteFrom(org.mpp.store.schema.Tables.POLICY).where(org.mpp.store.schema.Tables.POLICY.POLICY_.in("failureTolerance",
                "exportEnabled")).execute();
        control().setPolicy("failureTolerance", "4");
        control().setPolicy("exportEnabled", "0");

        Map<String, String> types = plainSql("SELECT policy, value_type FROM policy");

        assertThat(types).hasSize(7).containsEntry("ingestEnabled", "boolean").containsEntry("terminateAll", "boolean")
                .containsEntry("verifyDuringIngest", "boolean").containsEntry("exportEnabled", "boolean")
                .containsEntry("nodeTimeout", "integer").containsEntry("failureTolerance", "integer");
        assertThat(types.values()).allMatch(t -> t.equals("boolean") || t.equals("integer"));
    }

    @Test
    default void policiesAreReadWhicheverWordTheirTypeIsWritten() throws Exception {
        execute("UPDATE policy SET value_type = 'bool', value = '0' WHERE policy = 'ingestEnabled'");
        execute("UPDATE policy SET value_type = 'boolean', value = '0' WHERE policy = 'exportEnabled'");
        execute("UPDATE policy SET value_type = 'int', value = '7' WHERE policy = 'failureTolerance'");
        execute("UPDATE policy SET value_type = 'integer', value = '50' WHERE policy = 'nodeTimeout'");

        Policies p = control().policies();

        assertThat(p.ingestEnabled()).isFalse();
        assertThat(p.exportEnabled()).isFalse();
        assertThat(p.failureTolerance()).isEqualTo(7);
        assertThat(p.nodeTimeout()).hasSeconds(50);
    }

    @Test
    default void aNodesTypeIsTheSeedsCodeOfItsMainRole() throws Exception {
        nodes().register(nodeA(), "encoder", "ingest=1,transcode=4,export=1", "t");
        nodes().register(nodeB(), "front", "ingest=1,transcode=0,export=1", "t");
        nodes().register(UUID.randomUUID(), "exporter", "ingest=0,transcode=0,export=2", "t");
        nodes().register(UUID.randomUUID(), "idle", "ingest=0,transcode=0,export=0", "t");

        Map<String, String> types = plainSql("SELECT hostname, type FROM node");

        assertThat(types).containsEntry("encoder", "1").containsEntry("front", "0").containsEntry("exporter", "2")
                .containsEntry("idle", null);
        assertThat(nodes().list()).extracting(NodeStore.NodeView::roles).contains("ingest=1,transcode=4,export=1");
    }

    @Test
    default void aNodeIsActiveWithItsJobOnlyWhileItRunsATask() throws Exception {
        UUID job = UUID.randomUUID();
        nodes().register(nodeA(), "box", "transcode=2", "t");
        assertThat(activity()).isEqualTo(List.of("0", "null"));

        nodes().heartbeat(nodeA(), job);
        assertThat(activity()).isEqualTo(List.of("1", job.toString().replace("-", "")));
        assertThat(nodes().list()).singleElement().satisfies(n -> {
            assertThat(n.active()).isTrue();
            assertThat(n.job()).isEqualTo(job);
        });

        nodes().heartbeat(nodeA());
        assertThat(activity()).isEqualTo(List.of("0", "null"));
        assertThat(nodes().list()).singleElement().satisfies(n -> assertThat(n.job()).isNull());
    }

    @Test
    default void migrationV5GivesRowsOfEarlierVersionsTheSeedsCodes() throws Exception {
        try (TestDatabases.Fresh old = TestDatabases.fresh(fresh().kind())) {
            Flyway.configure().dataSource(old.url(), old.user(), old.password()).locations("classpath:db/migration").target("3")
                    .load().migrate();
            try (Connection c = DriverManager.getConnection(old.url(), old.user(), old.password()); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO node (nodeUUID, hostname, roles, type, isActive) VALUES (X'01', 'encoder', "
                        + "'ingest=1,transcode=4,export=1', 'ingest=1,transcode=4,export=1', 1)");
                s.executeUpdate("INSERT INTO node (nodeUUID, hostname, roles, type, isActive) VALUES (X'02', 'front', "
                        + "'ingest=1,transcode=0,export=1', 'ingest=1,transcode=0,export=1', 1)");
                s.executeUpdate("INSERT INTO node (nodeUUID, hostname, roles, type, isActive) VALUES (X'03', 'exporter', "
                        + "'ingest=0,transcode=0,export=1', 'ingest=0,transcode=0,export=1', 1)");
            }

            try (Database migrated = old.open(); Connection c = migrated.dataSource().getConnection(); Statement s = c.createStatement()) {
                Map<String, String> types = new LinkedHashMap<>();
                try (ResultSet rs = s.executeQuery("SELECT hostname, type, isActive FROM node ORDER BY nodeID")) {
                    while (rs.next()) {
                        types.put(rs.getString(1), rs.getInt(2) + "/" + rs.getInt(3));
                    }
                }
                assertThat(types).containsExactly(Map.entry("encoder", "1/0"), Map.entry("front", "0/0"), Map.entry("exporter", "2/0"));
                try (ResultSet rs = s.executeQuery("SELECT DISTINCT value_type FROM policy ORDER BY value_type")) {
                    List<String> seen = new ArrayList<>();
                    while (rs.next()) {
                        seen.add(rs.getString(1));
                    }
                    assertThat(seen).containsExactly("boolean", "integer");
                }
            }
        }
    }

    private List<String> activity() throws Exception {
        try (Connection c = f().db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT isActive, fk_jobUUID FROM node")) {
            assertThat(rs.next()).isTrue();
            byte[] job = rs.getBytes(2);
            return List.of(String.valueOf(rs.getInt(1)), job == null ? "null" : java.util.HexFormat.of().formatHex(job));
        }
    }

    private Map<String, String> plainSql(String twoColumns) throws Exception {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection c = f().db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(twoColumns)) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2));
            }
        }
        return rows;
    }

    private void execute(String sql) throws Exception {
        try (Connection c = f().db.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.executeUpdate(sql);
        }
    }
}
