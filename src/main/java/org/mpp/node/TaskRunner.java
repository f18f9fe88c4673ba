package org.mpp.node;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.mpp.FileIdentity;
import org.mpp.MppException;
import org.mpp.media.BadInputException;
import org.mpp.media.CancelledException;
import org.mpp.media.DiskFullException;
import org.mpp.media.MediaException;
import org.mpp.media.MediaInfo;
import org.mpp.store.Claim;
import org.mpp.store.JobStore;
import org.mpp.store.LostClaimException;
import org.mpp.store.Policies;
import org.mpp.store.Status;
import org.mpp.store.TaskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed task and settles it whatever happens: completed by the stage, released when the node stops,
 * released for later without a failure when its work disk was full (a full delivery disk counts as a failure),
 * dropped when the claim was lost, failed (permanently for bad input) otherwise. A failure that fails the job quarantines its source and purges its work folders.
 * Bookkeeping writes are retried through database blips.
 */
final class TaskRunner {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    private static final int WRITE_ATTEMPTS = 8;
    /**
     * A completion keeps trying through a longer outage (about 6 minutes with the 10 s cap): giving up throws finished
     * work away and counts a failure. Once the database answers, the fenced write settles it either way.
     */
    static final int COMPLETION_ATTEMPTS = 40;
    private final Stages stages;
    private final TaskStore tasks;
    private final WorkFolders folders;
    private final JobStore jobs;
    private final Duration fullRetry;

    /** @param fullRetry how long a task that found its disk full waits before it may be claimed again */
    TaskRunner(Stages stages, TaskStore tasks, WorkFolders folders, JobStore jobs, Duration fullRetry) {
        this.stages = stages;
        this.tasks = tasks;
        this.folders = folders;
        this.jobs = jobs;
        this.fullRetry = fullRetry;
    }

    void run(TaskContext ctx, Policies policies) {
        run(ctx, policies, () -> {
            switch (ctx.claim.stage()) {
                case INGEST -> stages.ingest(ctx, policies);
                case TRANSCODE -> stages.transcode(ctx);
                case EXPORT -> stages.export(ctx);
            }
        });
    }

    /** The work of a stage, run under the task's watchdog. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    /** Runs {@code work} for the task and settles the task as {@link #run(TaskContext, Policies)} describes. */
    void run(TaskContext ctx, Policies policies, Work work) {
        var c = ctx.claim;
        String what = c.stage().name().toLowerCase(Locale.ROOT) + " task " + c.taskId() + " of job " + c.job()
                + (c.segmentPart() >= 0 ? " (segment " + c.segmentPart() + ")" : "");
        try {
            ctx.working(() -> {
                log.error("Abandoning {}: {}, and it did not stop when cancelled; its worker thread is stuck", what, ctx.stallReason());
                failStalled(ctx, what, "; the work did not stop and was abandoned", policies);
            });
            try {
                work.run();
            } finally {
                ctx.done();
            }
        } catch (CancelledException e) {
            if (ctx.abandoned()) {
                log.warn("Stopped {} at last; its failure was recorded when it was abandoned", what);
            } else if (ctx.stalled.get()) {
                failStalled(ctx, what, "", policies);
            } else if (ctx.lost.get()) {
                log.warn("Stopped {}: the claim was lost to another node", what);
                cleanUpIfJobEnded(c, what);
            } else if (ctx.stopping.get()) {
                log.info("Releasing {}: the node is stopping", what);
                retrying("release " + what, () -> {
                    tasks.release(c);
                    return null;
                });
            } else {
                fail(ctx, what, e, false, policies);
            }
        } catch (LostClaimException e) {
            log.warn("Dropped {}: {}", what, e.getMessage());
            cleanUpIfJobEnded(c, what);
        } catch (BadInputException e) {
            fail(ctx, what, e, true, policies);
        } catch (Throwable e) {
            if (ctx.abandoned()) {
                log.warn("{} ended at last ({}); its failure was recorded when it was abandoned", what, e.toString());
            } else if (ctx.stalled.get() && !(e instanceof Error)) {
                // The cancel surfaced wrapped (an export's rendition threads): the stall is the reason.
                failStalled(ctx, what, " (" + e.getMessage() + ")", policies);
            } else if (DiskFullException.isDiskFull(e) && !inDeliveryFolder(e)) {
                postpone(ctx, what, e);
            } else {
                fail(ctx, what, e, false, policies);
            }
        }
    }

    /**
     * A full disk is no fault of the task, and counting it as one failed the job for good (and quarantined a good
     * source) whenever the disk stayed full longer than the retry backoffs. The task's own files go, so the room
     * goes back to the work, and the task returns to the queue with no failure counted, claimable after
     * {@code mpp.work.full-retry-seconds}; meanwhile nodes pause their claims while the work folder is low
     * ({@link WorkFolderSpace}).
     */
    private void postpone(TaskContext ctx, String what, Throwable e) {
        var c = ctx.claim;
        String reason = e instanceof MppException ? e.getMessage() : e.toString();
        try {
            stages.discardAttempt(c);
        } catch (IOException | RuntimeException cleanup) {
            log.warn("Could not remove the files {} wrote: {}", what, cleanup.toString());
        }
        boolean held;
        try {
            held = retrying("give back " + what, () -> tasks.postpone(c, fullRetry, "Postponed (no failure counted): " + reason));
        } catch (LostClaimException lost) {
            held = false;
        }
        if (!held) {
            log.warn("Dropped {} after its disk was full: the claim was lost meanwhile ({})", what, reason);
            return;
        }
        Throwable full = e;
        while (full != null && !(full instanceof DiskFullException)) {
            full = full.getCause();
        }
        boolean inWork = full == null || ((DiskFullException) full).path().toAbsolutePath().normalize().startsWith(folders.work());
        log.warn("{}: {} released, retrying in {} s, no failure counted: {}", inWork ? "Work folder full" : "Disk full", what,
                BigDecimal.valueOf(fullRetry.toMillis(), 3).stripTrailingZeros().toPlainString(), reason);
    }

    /**
     * True when the write that found its disk full was a delivery's. That one counts as a failure, bounded by
     * failureTolerance like any other: giving it back without one re-ran the whole export every
     * {@code full-retry-seconds} for as long as the delivery disk stayed full. Exports are not claimed while the delivery
     * folder is below {@code min-free-mb} ({@link WorkFolderSpace#forNode}), so a failure is counted only when a
     * rendition is larger than the room there.
     */
    private boolean inDeliveryFolder(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DiskFullException full) {
                Path p = full.path().toAbsolutePath().normalize();
                return folders.deliveryDir().map(p::startsWith).orElse(false);
            }
        }
        return false;
    }

    /** Records the failure of work the watchdog stopped: an ordinary failure, its reason the stall and {@code more}. */
    private void failStalled(TaskContext ctx, String what, String more, Policies policies) {
        fail(ctx, what, new MediaException(ctx.stallReason() + more), false, policies);
    }

    private void fail(TaskContext ctx, String what, Throwable e, boolean permanent, Policies policies) {
        String reason = e instanceof MppException ? e.getMessage() : e.toString();
        log.warn("{} failed{}: {}", what, permanent ? " (bad input)" : "", reason);
        TaskStore.Outcome outcome;
        try {
            outcome = retrying("record the failure of " + what, () -> tasks.fail(ctx.claim, reason, permanent, policies.failureTolerance()));
        } catch (LostClaimException lost) {
            log.warn("Not recording the failure of {}: {}", what, lost.getMessage());
            cleanUpIfJobEnded(ctx.claim, what);
            return;
        }
        if (outcome == TaskStore.Outcome.JOB_FAILED) {
            quarantine(ctx.claim.job());
        }
    }

    /**
     * After a lost claim: when the job failed or was deleted meanwhile, removes its ingest and transcode folders again.
     * The node that failed it purged them, but this worker may have written into them since (a sibling segment's
     * transcode that was claimed before the failure and got as far as creating its files after the purge), and
     * nothing else would remove them.
     */
    private void cleanUpIfJobEnded(Claim c, String what) {
        try {
            var job = jobs.job(c.job());
            if (job.isEmpty() || job.get().status() == Status.FAILED) {
                folders.purge(c.job());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not remove what {} left in the work folder: {}", what, e.toString());
        }
    }

    /**
     * Moves a failed job's source to quarantine/ and removes its work folders. A file under the source's name that is not
     * the size the ingest probed is another upload's, put there since, and stays.
     */
    void quarantine(UUID job) {
        try {
            var view = jobs.job(job);
            if (view.isPresent()) {
                var source = folders.source(view.get().sourceName());
                OptionalLong read = probedSize(view.get().mediaInfo());
                Optional<FileIdentity> now = source.flatMap(FileIdentity::of);
                if (now.isPresent() && read.isPresent() && now.get().size() != read.getAsLong()) {
                    log.warn("Job {} failed; its source's name {} now holds another file ({} bytes, where the job read {}), which stays",
                            job, source.get(), now.get().size(), read.getAsLong());
                } else if (source.isPresent()) {
                    folders.quarantine(source.get(), job).ifPresent(q -> log.warn("Job {} failed; its source is quarantined as {}", job, q));
                }
            }
            folders.purge(job);
        } catch (IOException | RuntimeException e) {
            log.warn("Could not quarantine the source of failed job {}: {}", job, e.toString());
        }
    }

    /** The source's size as the job's ingest probed it; empty before the ingest, or when the row's media info is unreadable. */
    private static OptionalLong probedSize(String mediaInfo) {
        if (mediaInfo == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(MediaInfo.fromJson(mediaInfo).sizeBytes());
        } catch (RuntimeException unreadable) {
            return OptionalLong.empty(); // A damaged row: the name is all there is to go by, as before the ingest.
        }
    }

    /** Retries a bookkeeping write through database outages (a lost completion would leave the task claimed). */
    private static <T> T retrying(String what, java.util.function.Supplier<T> write) {
        return retrying(what, write, WRITE_ATTEMPTS);
    }

    /** As {@link #retrying(String, java.util.function.Supplier)}, up to {@code attempts} times. */
    static <T> T retrying(String what, java.util.function.Supplier<T> write, int attempts) {
        Duration wait = Duration.ofMillis(200);
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (LostClaimException e) {
                throw e;
            } catch (RuntimeException e) {
                if (attempt == attempts) {
                    log.error("Gave up trying to {}: {}; its lease will expire and another node will recover it", what, e.toString());
                    throw e;
                }
                log.warn("Could not {} ({}); retrying in {} ms", what, e.toString(), wait.toMillis());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : wait.multipliedBy(2);
            }
        }
    }
}
