package org.mpp.api;

import io.javalin.http.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mpp.node.WorkFolderSpace;
import org.mpp.store.ClusterStats;

/** {@code /health/live} (the process answers) and {@code /health/ready} (database reachable, work folder writable with room). */
final class HealthHandlers {
    private final ClusterStats stats;
    private final Path work;
    private final WorkFolderSpace space;

    HealthHandlers(ClusterStats stats, Path work, long minFreeBytes) {
        this.stats = stats;
        this.work = work;
        this.space = new WorkFolderSpace(work, minFreeBytes);
    }

    /** What readiness found; {@code status} is "ready" or "not ready". */
    record Ready(String status, boolean database, boolean workFolder) {
    }

    void live(Context ctx) {
        ctx.json(java.util.Map.of("status", "live"));
    }

    void ready(Context ctx) {
        boolean db;
        try {
            stats.ping();
            db = true;
        } catch (RuntimeException e) {
            db = false;
        }
        boolean folder = Files.isDirectory(work) && Files.isWritable(work) && space.roomToClaim();
        boolean ready = db && folder;
        ctx.status(ready ? 200 : 503).json(new Ready(ready ? "ready" : "not ready", db, folder));
    }
}
