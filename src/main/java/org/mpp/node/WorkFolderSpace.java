package org.mpp.node;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mpp.media.DiskFullException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a node may claim new work given the free space of its work folder's file system: every stage writes
 * there, so below {@code mpp.work.min-free-mb} no worker claims anything (running tasks go on). Logs once when claims
 * pause and once when they resume, whichever worker notices first. Thread-safe: every worker asks before each claim; the answer is a statfs call.
 */
final class WorkFolderSpace {
    private static final Logger log = LoggerFactory.getLogger(WorkFolderSpace.class);
    private final Path dir;
    private final long minFree;
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean unreadable = new AtomicBoolean();
    private volatile FileStore store;

    /** @param minFreeBytes 0 turns the check off */
    WorkFolderSpace(Path dir, long minFreeBytes) {
        this.dir = dir;
        this.minFree = minFreeBytes;
    }

    /**
     * True when the work folder has at least the configured free space. When the space cannot be read the answer is
     * true: the writes themselves report a full disk ({@link org.mpp.media.DiskFullException}).
     */
    boolean roomToClaim() {
        if (minFree <= 0) {
            return true;
        }
        long free;
        try {
            FileStore s = store;
            if (s == null) {
                s = store = Files.getFileStore(dir);
            }
            free = s.getUsableSpace();
            unreadable.set(false);
        } catch (IOException | RuntimeException e) {
            if (unreadable.compareAndSet(false, true)) {
                log.warn("Cannot read the free space of the work folder {} ({}); claiming as if there were room", dir, e.toString());
            }
            return true;
        }
        boolean room = free >= minFree;
        if (!room && paused.compareAndSet(false, true)) {
            log.warn("Work folder {} has {} free, less than mpp.work.min-free-mb ({}): this node claims no new task until"
                    + " there is room; free space there or lower the setting", dir, DiskFullException.describe(free), DiskFullException.describe(minFree));
        } else if (room && paused.compareAndSet(true, false)) {
            // WARN like the pause, so that whoever sees the pause (the default configuration logs WARN and up) sees it end.
            log.warn("Work folder {} has room again ({} free, at least {}): claiming resumes", dir, DiskFullException.describe(free), DiskFullException.describe(minFree));
        }
        return room;
    }
}
