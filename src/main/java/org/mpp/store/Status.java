package org.mpp.store;

import java.util.Map;
import java.util.Set;

/**
 * The seed's status codes and the moves allowed between them. A forbidden move throws, naming both states.
 */
public final class Status {
    private Status() {
    }

    // job.status
    public static final int IMPORTED = 0;
    public static final int INGESTING = 1;
    public static final int TRANSCODING = 2;
    public static final int TRANSCODED = 3;
    public static final int EXPORTING = 4;
    public static final int COMPLETE = 5;
    public static final int FAILED = 13;

    // ingestJob / transcodeJob / exportJob .status
    public static final int READY = 0;
    public static final int RUNNING = 1;
    public static final int COMPLETED = 2;
    public static final int ERROR = 13;

    private static final Map<Integer, Set<Integer>> JOB_MOVES = Map.of(
            IMPORTED, Set.of(INGESTING, FAILED),
            INGESTING, Set.of(IMPORTED, TRANSCODING, FAILED),
            TRANSCODING, Set.of(TRANSCODED, FAILED),
            TRANSCODED, Set.of(EXPORTING, FAILED),
            EXPORTING, Set.of(TRANSCODED, TRANSCODING, COMPLETE, FAILED),
            COMPLETE, Set.of(),
            FAILED, Set.of(IMPORTED));

    /** True when a job may go from {@code from} to {@code to}. */
    public static boolean jobMoveAllowed(int from, int to) {
        return from == to || JOB_MOVES.getOrDefault(from, Set.of()).contains(to);
    }

    /** @throws IllegalStateException naming both states when the move is not allowed */
    static void requireJobMove(int from, int to) {
        if (!jobMoveAllowed(from, to)) {
            throw new IllegalStateException("A job cannot go from " + jobName(from) + " (" + from + ") to "
                    + jobName(to) + " (" + to + ")");
        }
    }

    public static String jobName(int status) {
        return switch (status) {
            case IMPORTED -> "imported";
            case INGESTING -> "ingesting";
            case TRANSCODING -> "transcoding";
            case TRANSCODED -> "transcoded";
            case EXPORTING -> "exporting";
            case COMPLETE -> "complete";
            case FAILED -> "failed";
            default -> "unknown";
        };
    }
}
