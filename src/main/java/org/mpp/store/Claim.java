package org.mpp.store;

import java.util.UUID;

/**
 * A task a node holds. {@code attempt} is the fencing token: every write the holder makes about the task
 * (progress, completion, failure, files named with it) is accepted only while the task is still running
 * under this node and this attempt.
 *
 * @param segmentPart the segment number for transcode tasks, -1 otherwise
 * @param segmentInfo the segment's description (JSON) for transcode tasks, null otherwise
 */
public record Claim(Stage stage, long taskId, UUID job, UUID node, int attempt, int segmentPart, String segmentInfo) {
}
