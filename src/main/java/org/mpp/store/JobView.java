package org.mpp.store;

import java.time.LocalDateTime;
import java.util.UUID;

/** A job as operators see it (a row of {@code job}). {@code uuid} is null until a node adopts a job inserted by SQL. */
public record JobView(long id, UUID uuid, String sourceName, int status, int priority, boolean paused, double progress,
        String failureReason, LocalDateTime dateAdded, LocalDateTime dateCompleted, String deliveredFiles, String mediaInfo) {

    public String statusName() {
        return Status.jobName(status);
    }

    public boolean finished() {
        return status == Status.COMPLETE || status == Status.FAILED;
    }
}
