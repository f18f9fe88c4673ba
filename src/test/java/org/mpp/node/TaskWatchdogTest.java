package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.config.Settings;
import org.mpp.media.CancelledException;
import org.mpp.store.Claim;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.Policies;
import org.mpp.store.Stage;
import org.mpp.store.Status;
import org.mpp.store.TaskStore;
import org.mpp.store.TestDatabases;

/**
 * The task watchdog (issue 11 §6): work that makes no progress for {@code mpp.node.task-stall-seconds} is cancelled and
 * counted as a failure, and work that does not even stop when cancelled is abandoned with its failure recorded, so
 * neither holds its task and lease for ever. Real MariaDB; the watchdog's clock is set, never slept on.
 */
class TaskWatchdogTest {
    static final Duration STALL = Duration.ofSeconds(5);
    static final Policies ONE_TRY = new Policies(true, true, true, false, Duration.ofSeconds(30), true, 1);

    @TempDir
    Path dir;
    TestDatabases.Fresh fresh;
    TaskStore tasks;
    JobStore jobs;
    TaskRunner runner;
    final AtomicLong now = new AtomicLong();
    UUID job;
    Thread worker;

    @BeforeEach
    void setUp() {
        fresh = TestDatabases.mariaDb();
        tasks = new TaskStore(fresh.open());
        jobs = new JobStore(fresh.open());
        Path work = dir.resolve("work");
        runner = new TaskRunner(null, tasks, new WorkFolders(new Settings.Work(work, work.resolve("source"), Optional.empty(), 0,
                Duration.ofSeconds(1))), jobs, Duration.ofSeconds(1));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (worker != null) {
            worker.interrupt();
            worker.join(10_000);
        }
        fresh.close();
    }

    private TaskContext claimIngest() {
        job = jobs.submit("stuck.mp4", 0);
        Claim c = tasks.claim(Stage.INGEST, UUID.randomUUID(), 1, Duration.ofMinutes(5)).get(0);
        return new TaskContext(c, tasks, STALL, now::get);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    /** Starts the work on a worker thread and returns once it runs. */
    private void start(TaskContext ctx, Policies policies, TaskRunner.Work work) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        worker = new Thread(() -> runner.run(ctx, policies, () -> {
            running.countDown();
            work.run();
        }), "test-worker");
        worker.start();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Work that does nothing but wait for its cancel flag, as a decode stuck between packets would. */
    private static void waitForCancel(TaskContext ctx) {
        while (!ctx.cancel.isCancelled()) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        throw new CancelledException("Decoding stuck.mp4");
    }

    @Test
    void workWithoutProgressIsCancelledAndCountedAsAFailureNamingTheStall() throws InterruptedException {
        TaskContext ctx = claimIngest();
        start(ctx, ONE_TRY, () -> waitForCancel(ctx));

        advance(STALL.minusSeconds(1));
        ctx.flushProgress();
        assertThat(ctx.cancel.isCancelled()).as("cancelled before the stall period").isFalse();
        advance(Duration.ofSeconds(1));
        ctx.flushProgress();
        worker.join(10_000);

        assertThat(worker.isAlive()).isFalse();
        JobView failed = jobs.job(job).orElseThrow();
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.failureReason()).contains("no progress for 5 s");
    }

    @Test
    void aStalledTaskIsAnOrdinaryFailureThatIsRetried() throws InterruptedException {
        TaskContext ctx = claimIngest();
        start(ctx, Policies.DEFAULTS, () -> waitForCancel(ctx));

        advance(STALL);
        ctx.flushProgress();
        worker.join(10_000);

        assertThat(worker.isAlive()).isFalse();
        assertThat(jobs.job(job).orElseThrow().finished()).as("one stall of three allowed failures").isFalse();
        assertThat(tasks.stillHeld(ctx.claim)).as("the task went back to the queue").isFalse();
    }

    @Test
    void progressKeepsTheWatchdogAway() throws InterruptedException {
        TaskContext ctx = claimIngest();
        CountDownLatch finish = new CountDownLatch(1);
        start(ctx, ONE_TRY, () -> finish.await());

        for (int i = 1; i <= 4; i++) {
            advance(STALL.minusSeconds(1));
            ctx.progress().update(i / 10.0);
            ctx.flushProgress();
        }

        assertThat(ctx.cancel.isCancelled()).isFalse();
        assertThat(tasks.stillHeld(ctx.claim)).isTrue();
        finish.countDown();
        worker.join(10_000);
    }

    @Test
    void workThatIgnoresTheCancelIsAbandonedAndItsTaskLetGo() throws InterruptedException {
        TaskContext ctx = claimIngest();
        CountDownLatch nativeCallReturns = new CountDownLatch(1);
        start(ctx, ONE_TRY, () -> nativeCallReturns.await()); // Stuck where no cancel flag is read.

        advance(STALL);
        ctx.flushProgress();
        assertThat(ctx.cancel.isCancelled()).isTrue();
        assertThat(jobs.job(job).orElseThrow().finished()).as("the work gets one period to stop").isFalse();
        advance(STALL);
        ctx.flushProgress();

        assertThat(worker.isAlive()).as("the worker is still stuck").isTrue();
        assertThat(tasks.stillHeld(ctx.claim)).isFalse();
        JobView failed = jobs.job(job).orElseThrow();
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.failureReason()).contains("no progress for 5 s").contains("abandoned");
        nativeCallReturns.countDown();
        worker.join(10_000);
        assertThat(jobs.job(job).orElseThrow().failureReason()).isEqualTo(failed.failureReason());
    }

    @Test
    void aCancelThatSurfacesWrappedStillNamesTheStall() throws InterruptedException {
        TaskContext ctx = claimIngest();
        start(ctx, ONE_TRY, () -> {
            try {
                waitForCancel(ctx);
            } catch (CancelledException e) {
                throw new org.mpp.media.MediaException("Exporting job failed: " + e.getMessage(), e); // As an export's threads report it.
            }
        });

        advance(STALL);
        ctx.flushProgress();
        worker.join(10_000);

        assertThat(jobs.job(job).orElseThrow().failureReason()).contains("no progress for 5 s").contains("Exporting job failed");
    }
}
