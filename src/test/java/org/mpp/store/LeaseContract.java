package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mpp.store.schema.Tables.JOB;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Leases on the database clock, recovery of expired ones as failures, and node liveness: heartbeats, operator flags,
 * purging silent nodes.
 */
interface LeaseContract extends StoreContract {
    // ---- leases and recovery -------------------------------------------------------------------------------------

    @Test
    default void anExpiredLeaseIsRecoveredAsAFailure() {
        UUID job = f().aJob().withSegments(2).create();
        Claim c = f().claimOne(Stage.TRANSCODE, nodeA(), TINY_LEASE);
        Claim healthy = f().claimOne(Stage.TRANSCODE, nodeB());

        List<TaskStore.Recovered> recovered = awaitRecovery(3);

        assertThat(recovered).containsExactly(new TaskStore.Recovered(job, Stage.TRANSCODE, c.taskId(), TaskStore.Outcome.RETRY));
        var row = f().task(Stage.TRANSCODE, c.taskId());
        assertThat(row.get(Stage.TRANSCODE.t.status())).isEqualTo(Status.READY);
        assertThat(row.get(Stage.TRANSCODE.t.failures())).isEqualTo(1);
        assertThat(row.get(Stage.TRANSCODE.t.node())).isNull();
        assertThat(row.get(Stage.TRANSCODE.t.lastError())).contains("abandoned by node " + nodeA());
        assertThat(tasks().stillHeld(healthy)).isTrue();
        assertThat(tasks().recoverExpired(3)).isEmpty();
    }

    @Test
    default void aRenewedLeaseIsNotRecovered() {
        f().aJob().withSegments(2).create();
        Claim c = f().claimOne(Stage.TRANSCODE, nodeA(), TINY_LEASE);
        Claim other = f().claimOne(Stage.TRANSCODE, nodeB(), TINY_LEASE);

        assertThat(tasks().renewLeases(nodeA(), List.of(c), Duration.ofMinutes(1))).isEqualTo(1);

        assertThat(f().task(Stage.TRANSCODE, c.taskId()).get(Stage.TRANSCODE.t.leaseUntil())).isAfter(f().dbNow().plusSeconds(50));
        assertThat(awaitRecovery(3)).extracting(TaskStore.Recovered::taskId).containsExactly(other.taskId());
        assertThat(tasks().stillHeld(c)).isTrue();
    }

    @Test
    default void aNodeFrozenRightAfterRenewingALeaseHoldsNoLockThatStopsItsRecovery() throws Exception {
        // A frozen node (SIGSTOP, a paused VM) keeps its connection open. Its renewal ran in a transaction: frozen between
        // the UPDATE and the COMMIT, it held the task's row lock, every other node's recovery waited on it until its
        // statement timeout, and the task stayed with the frozen node for as long as it was frozen (ZombieTest in CI).
        f().aJob().withSegments(1).create();
        Claim c = f().claimOne(Stage.TRANSCODE, nodeA(), TINY_LEASE);
        FreezingDataSource freezing = new FreezingDataSource("leaseUntil");
        TaskStore frozenNode = new TaskStore(Database.open(freezing.wrap(f().db.dataSource()), Duration.ZERO));
        // Renewed for a millisecond, so that the lease has expired when the node freezes.
        Thread renewal = new Thread(() -> frozenNode.renewLeases(nodeA(), List.of(c), Duration.ofMillis(1)), "frozen-renewal");
        renewal.start();
        try {
            assertThat(freezing.awaitFrozen(Duration.ofSeconds(30))).as("the renewal ran and its node froze").isTrue();

            var recovery = java.util.concurrent.CompletableFuture.supplyAsync(() -> awaitRecovery(3));

            assertThat(recovery.get(20, java.util.concurrent.TimeUnit.SECONDS)).extracting(TaskStore.Recovered::taskId)
                    .containsExactly(c.taskId());
        } finally {
            freezing.thaw();
            renewal.join(30_000);
        }
    }

    @Test
    default void anIngestRecoveredFromADeadNodeSendsTheJobBackToImported() {
        UUID job = jobs().submit("clip.mp4", 0);
        f().claimOne(Stage.INGEST, nodeA(), TINY_LEASE);
        assertThat(f().jobStatus(job)).isEqualTo(Status.INGESTING);

        awaitRecovery(3);

        assertThat(f().jobStatus(job)).isEqualTo(Status.IMPORTED);
    }

    @Test
    default void aTaskThatKillsEveryNodeFailsItsJobAfterFailureToleranceRecoveries() {
        UUID job = f().aJob().withSegments(2).create();
        List<TaskStore.Outcome> outcomes = new ArrayList<>();
        long taskId = -1;
        for (int i = 0; i < 3; i++) {
            Claim c = f().claimOne(Stage.TRANSCODE, i % 2 == 0 ? nodeA() : nodeB(), TINY_LEASE);
            taskId = c.taskId();
            outcomes.add(awaitRecovery(3).get(0).outcome());
            f().skipBackoff(Stage.TRANSCODE, taskId);
        }

        assertThat(outcomes).containsExactly(TaskStore.Outcome.RETRY, TaskStore.Outcome.RETRY, TaskStore.Outcome.JOB_FAILED);
        assertThat(f().jobStatus(job)).isEqualTo(Status.FAILED);
        assertThat(f().jobRow(job).get(JOB.FAILED)).isTrue();
        assertThat(jobs().job(job).orElseThrow().failureReason()).contains("failed 3 time(s)").contains("abandoned by node");
        assertThat(f().taskStatus(Stage.TRANSCODE, taskId)).isEqualTo(Status.ERROR);
        assertThat(f().taskStatuses(Stage.TRANSCODE, job)).containsOnly(Status.ERROR);
        assertThat(tasks().claim(Stage.TRANSCODE, nodeA(), 5, StoreFixture.LEASE)).isEmpty();
    }

    @Test
    default void nodesRecoveringTheSameExpiredTasksAtOnceCountEachFailureOnce() throws Exception {
        f().aJob().withSegments(6).create();
        List<Claim> claims = tasks().claim(Stage.TRANSCODE, nodeA(), 6, TINY_LEASE);
        LocalDateTime expiry = claims.stream().map(c -> f().task(Stage.TRANSCODE, c.taskId()).get(Stage.TRANSCODE.t.leaseUntil()))
                .max(LocalDateTime::compareTo).orElseThrow();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> f().dbNow().isAfter(expiry));

        List<TaskStore.Recovered> recovered = atOnce(4, () -> tasks().recoverExpired(3)).stream().flatMap(List::stream).toList();

        assertThat(recovered).extracting(TaskStore.Recovered::taskId)
                .containsExactlyInAnyOrderElementsOf(claims.stream().map(Claim::taskId).toList());
        for (Claim c : claims) {
            assertThat(f().task(Stage.TRANSCODE, c.taskId()).get(Stage.TRANSCODE.t.failures())).isEqualTo(1);
        }
    }

    // ---- nodes ---------------------------------------------------------------------------------------------------

    @Test
    default void aRegisteredNodeIsListedAndItsHeartbeatSeesItsFlags() {
        nodes().register(nodeA(), "box-1", "transcode=4", "0.1.0");

        assertThat(nodes().heartbeat(nodeA())).isEqualTo(new NodeStore.Control(true, false, true));
        assertThat(nodes().list()).singleElement().satisfies(n -> {
            assertThat(n.uuid()).isEqualTo(nodeA());
            assertThat(n.hostname()).isEqualTo("box-1");
            assertThat(n.roles()).isEqualTo("transcode=4");
            assertThat(n.authorised()).isTrue();
        });
    }

    @Test
    default void aHeartbeatSeesTerminateAndAuthorise() {
        nodes().register(nodeA(), "box-1", "ingest=1", "0.1.0");
        long id = nodes().list().get(0).id();

        assertThat(nodes().setAuthorised(String.valueOf(id), false)).isTrue();
        assertThat(nodes().heartbeat(nodeA())).isEqualTo(new NodeStore.Control(true, false, false));
        assertThat(nodes().setAuthorised(nodeA().toString(), true)).isTrue();
        assertThat(nodes().terminate(nodeA().toString())).isTrue();
        assertThat(nodes().heartbeat(nodeA())).isEqualTo(new NodeStore.Control(true, true, true));
        assertThat(nodes().terminate(UUID.randomUUID().toString())).isFalse();
        assertThat(nodes().setAuthorised("not-a-node", false)).isFalse();
    }

    @Test
    default void aHeartbeatSeesItsRowDeleted() {
        nodes().register(nodeA(), "box-1", "ingest=1", "0.1.0");
        nodes().unregister(nodeA());

        NodeStore.Control seen = nodes().heartbeat(nodeA());

        assertThat(seen.exists()).isFalse();
        assertThat(seen.authorised()).isFalse();
    }

    @Test
    default void aHeartbeatMovesLastAccessOnTheDatabaseClock() {
        nodes().register(nodeA(), "box-1", "ingest=1", "0.1.0");
        LocalDateTime before = nodes().list().get(0).lastAccess();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
            nodes().heartbeat(nodeA());
            return nodes().list().get(0).lastAccess().isAfter(before);
        });
    }

    @Test
    default void silentNodesArePurgedAndLiveOnesKept() {
        nodes().register(nodeA(), "silent", "ingest=1", "0.1.0");
        nodes().register(nodeB(), "alive", "ingest=1", "0.1.0");
        assertThat(nodes().purgeSilent(Duration.ofSeconds(30))).isZero();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
            nodes().heartbeat(nodeB());
            return nodes().purgeSilent(Duration.ofMillis(300)) == 1;
        });

        assertThat(nodes().list()).extracting(NodeStore.NodeView::uuid).containsExactly(nodeB());
        assertThat(nodes().heartbeat(nodeA()).exists()).isFalse();
    }

    @Test
    default void deletingANodeRowKeepsItsTasksUntilTheirLeasesExpire() {
        f().aJob().withSegments(1).create();
        nodes().register(nodeA(), "box-1", "transcode=1", "0.1.0");
        Claim c = f().claimOne(Stage.TRANSCODE, nodeA(), TINY_LEASE);

        nodes().unregister(nodeA());

        assertThat(f().taskStatus(Stage.TRANSCODE, c.taskId())).isEqualTo(Status.RUNNING);
        assertThat(Uuids.uuid(f().task(Stage.TRANSCODE, c.taskId()).get(Stage.TRANSCODE.t.node()))).isEqualTo(nodeA());
        assertThat(awaitRecovery(3)).extracting(TaskStore.Recovered::taskId).containsExactly(c.taskId());
    }
}
