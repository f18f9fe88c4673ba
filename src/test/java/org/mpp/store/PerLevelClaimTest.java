package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Claims where an index cannot be kept in descending order (MariaDB before 10.8): the store then locks one priority
 * level at a time. The contract tests run on servers that honour the claim index's order, so this older path is
 * checked here, on both databases, with the store told to take it.
 */
class PerLevelClaimTest {
    private TestDatabases.Fresh fresh;

    @AfterEach
    void drop() {
        if (fresh != null) {
            fresh.close();
        }
    }

    private StoreFixture fixture(TestDatabases.Kind kind) {
        fresh = TestDatabases.fresh(kind);
        return new StoreFixture(fresh.open());
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void claimsOneLevelAtATimeTakeTheHighestPriorityFirstThenTheOldest(TestDatabases.Kind kind) {
        StoreFixture f = fixture(kind);
        TaskStore perLevel = new TaskStore(f.db, false);
        UUID old = f.jobs.submit("old.mp4", 0);
        UUID young = f.jobs.submit("young.mp4", 0);
        UUID urgent = f.jobs.submit("urgent.mp4", 5);
        UUID node = UUID.randomUUID();

        List<Claim> claims = perLevel.claim(Stage.INGEST, node, 2, StoreFixture.LEASE);
        assertThat(claims).extracting(Claim::job).containsExactly(urgent, old);
        assertThat(claims).extracting(Claim::attempt).containsOnly(1);
        assertThat(perLevel.claim(Stage.INGEST, node, 5, StoreFixture.LEASE)).extracting(Claim::job).containsExactly(young);
        assertThat(perLevel.claim(Stage.INGEST, node, 1, StoreFixture.LEASE)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aClaimOneLevelAtATimeSkipsTheRowsAnotherClaimHolds(TestDatabases.Kind kind) throws Exception {
        StoreFixture f = fixture(kind);
        TaskStore perLevel = new TaskStore(f.db, false);
        f.aJob().withSegments(3).create();
        var t = Stage.TRANSCODE.t;
        try (Connection c = f.db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            List<Long> held = perLevel.lockReady(DSL.using(c, f.db.dialect()), Stage.TRANSCODE, 1).stream().map(r -> r.get(t.id())).toList();
            assertThat(held).hasSize(1);

            List<Claim> others = perLevel.claim(Stage.TRANSCODE, UUID.randomUUID(), 5, StoreFixture.LEASE);

            assertThat(others).extracting(Claim::taskId).doesNotContain(held.get(0));
            if (kind == TestDatabases.Kind.MARIADB) {
                assertThat(others).hasSize(2);
            }
            c.rollback();
        }
    }
}
