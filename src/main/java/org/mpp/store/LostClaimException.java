package org.mpp.store;

import org.mpp.MppException;

/**
 * The task no longer belongs to this node and attempt (its lease expired and another node took it, or the job
 * was deleted or failed): the holder must stop and must not write anything more about it.
 */
public class LostClaimException extends MppException {
    public LostClaimException(Claim claim) {
        super(claim.stage() + " task " + claim.taskId() + " of job " + claim.job() + " (attempt " + claim.attempt()
                + ") is no longer held by node " + claim.node() + ": another node owns it now, or the job was failed or deleted");
    }
}
