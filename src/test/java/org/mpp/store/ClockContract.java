package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mpp.config.Settings;

/**
 * Time, leases and fencing (issue 11, section 3): leases on a UTC clock whatever the database session's time zone, no
 * statement that outlives a lease, and fencing tokens that are never issued twice.
 */
interface ClockContract extends StoreContract {
    /**
     * A second pool on the database under test whose sessions run at {@code offset} (as a node's would after the server's
     * zone moved, or with another zone configured): the caller closes it.
     */
    default HikariDataSource sessionsAt(String offset) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(fresh().url());
        if (!fresh().user().isEmpty()) {
            hc.setUsername(fresh().user());
        }
        hc.setPassword(fresh().password());
        hc.setMaximumPoolSize(4);
        hc.setConnectionInitSql(fresh().kind() == TestDatabases.Kind.H2 ? "SET TIME ZONE '" + offset + "'" : "SET time_zone = '" + offset + "'");
        return new HikariDataSource(hc);
    }

    @Test
    default void aSessionTimeZoneAheadOfUtcNeitherExpiresLeasesNorPurgesLiveNodes() {
        f().aJob().withSegments(1).create();
        nodes().register(nodeA(), "box-1", "transcode=1", "0.1.0");
        Claim c = f().claimOne(Stage.TRANSCODE, nodeA(), Duration.ofMinutes(1));
        try (HikariDataSource ds = sessionsAt("+05:00"); Database shifted = Database.open(ds, Duration.ofSeconds(10))) {
            TaskStore tasks = new TaskStore(shifted);
            NodeStore nodes = new NodeStore(shifted);

            assertThat(tasks.recoverExpired(3)).isEmpty();
            assertThat(nodes.purgeSilent(Duration.ofSeconds(30))).isZero();
            assertThat(tasks.stillHeld(c)).isTrue();
            assertThat(nodes().list()).extracting(NodeStore.NodeView::uuid).containsExactly(nodeA());
        }
    }

    @Test
    default void aNodeWhoseSessionRanAheadOfUtcIsStillPurgedOnceSilent() {
        try (HikariDataSource ds = sessionsAt("+05:00"); Database shifted = Database.open(ds, Duration.ofSeconds(10))) {
            new NodeStore(shifted).register(nodeA(), "box-1", "transcode=1", "0.1.0");
            new NodeStore(shifted).heartbeat(nodeA());
        }

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> nodes().purgeSilent(Duration.ofMillis(300)) == 1);
    }

    @Test
    default void aLeaseTakenInASessionBehindUtcExpiresAfterItsLengthNotBefore() {
        f().aJob().withSegments(1).create();
        try (HikariDataSource ds = sessionsAt("-05:00"); Database shifted = Database.open(ds, Duration.ofSeconds(10))) {
            Claim c = new TaskStore(shifted).claim(Stage.TRANSCODE, nodeA(), 1, Duration.ofMinutes(1)).get(0);

            assertThat(tasks().recoverExpired(3)).isEmpty();
            assertThat(tasks().stillHeld(c)).isTrue();
        }
    }

    @Test
    default void aStatementWaitingOnALockIsCancelledWithinTheStatementTimeout() throws Exception {
        UUID job = f().aJob().withSegments(1).create();
        Claim c = f().claimOne(Stage.TRANSCODE, nodeA());
        Settings.Db s = fresh().settings(4);
        Settings.Db quick = new Settings.Db(s.url(), s.user(), s.password(), s.poolSize(), s.connectTimeout(), s.socketTimeout(),
                s.startupWait(), Duration.ofSeconds(1));
        try (Database db = Database.open(quick, fresh().folder().orElse(java.nio.file.Path.of("unused")));
                Connection holder = f().db.dataSource().getConnection(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            // Another transaction holds the job's row, as a slow completion of a sibling task would.
            st.executeQuery("SELECT jobID FROM job WHERE jobUUID = X'" + Uuids.hex(job) + "' FOR UPDATE").close();
            long t0 = System.nanoTime();
            try {
                assertThatThrownBy(() -> new TaskStore(db).fail(c, "boom", false, 3)).isInstanceOf(RuntimeException.class);
            } finally {
                holder.rollback();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    default void aRetriedJobNeverIssuesAnAttemptOfItsTasksTwice() {
        UUID job = f().aJob().withSegments(2).create();
        Claim first = f().claimOne(Stage.TRANSCODE, nodeA());
        tasks().fail(first, "bad segment", true, 3);
        assertThat(jobs().retry(job)).isTrue();
        Claim ingest = f().claimOne(Stage.INGEST, nodeA());
        tasks().completeIngest(ingest, "{}", List.of("{\"part\":0}", "{\"part\":1}"));

        List<Claim> again = tasks().claim(Stage.TRANSCODE, nodeA(), 2, StoreFixture.LEASE);

        assertThat(again).extracting(Claim::segmentPart).containsExactlyInAnyOrder(0, 1);
        assertThat(again).allSatisfy(c -> assertThat(c.attempt()).isGreaterThan(first.attempt()));
    }

    @Test
    default void anExportQueuedAgainAfterSegmentsWereRedoneStartsAboveTheOldExportsAttempt() {
        UUID job = f().aJob().withSegments(2).transcoded().create();
        Claim export = f().claimOne(Stage.EXPORT, nodeA());
        tasks().redoSegments(export, List.of(1));
        tasks().completeTranscode(f().claimOne(Stage.TRANSCODE, nodeA()));

        Claim again = f().claimOne(Stage.EXPORT, nodeA());

        assertThat(again.job()).isEqualTo(job);
        assertThat(again.attempt()).isGreaterThan(export.attempt());
        assertThat(tasks().stillHeld(export)).as("the old export's claim").isFalse();
    }
}
