package org.mpp.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Synthetic work for claim tests and benchmarks: rows only, no media. */
public final class SyntheticJobs {
    private SyntheticJobs() {
    }

    /**
     * Jobs in the transcoding state with their segment rows, written straight into the tables (no encoding): for
     * claim tests and benchmarks. Returns each job's segment count.
     */
    public static Map<UUID, Integer> insertTranscoding(Database db, int tasks, int perJob) throws SQLException {
        Map<UUID, Integer> segmentsOf = new HashMap<>();
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement job = c.prepareStatement("INSERT INTO job (jobUUID, sourceName, status, segments, progress)"
                        + " VALUES (?, ?, " + Status.TRANSCODING + ", ?, 0.1)");
                // availableAt in the past whatever the server's time zone: claims compare it with the UTC clock, and the
                // column's default is the server's local time.
                PreparedStatement task = c.prepareStatement("INSERT INTO transcodeJob (fk_jobUUID, segmentPart, segmentInfo, availableAt)"
                        + " VALUES (?, ?, '{}', TIMESTAMP '2000-01-01 00:00:00')")) {
            c.setAutoCommit(false);
            for (int made = 0, j = 0; made < tasks; j++) {
                UUID uuid = UUID.randomUUID();
                int segments = Math.min(perJob, tasks - made);
                job.setBytes(1, Uuids.bytes(uuid));
                job.setString(2, "synthetic-" + j + ".mp4");
                job.setInt(3, segments);
                job.executeUpdate();
                for (int s = 0; s < segments; s++) {
                    task.setBytes(1, Uuids.bytes(uuid));
                    task.setInt(2, s);
                    task.addBatch();
                }
                task.executeBatch();
                segmentsOf.put(uuid, segments);
                made += segments;
            }
            c.commit();
        }
        return segmentsOf;
    }
}
