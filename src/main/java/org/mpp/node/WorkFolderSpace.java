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
 * Decides whether a node may claim new work given the free space of a folder's file system. The work folder: every
 * stage writes there, so below {@code mpp.work.min-free-mb} no worker claims anything (running tasks go on). The
 * delivery folder: only exports write there, so below the same threshold no export is claimed ({@link #forNode}).
 * Logs once when claims pause and once when they resume, whichever worker notices first. Thread-safe: every worker
 * asks before each claim; the answer is a statfs call.
 */
public final class WorkFolderSpace {
    private static final Logger log = LoggerFactory.getLogger(WorkFolderSpace.class);
    private final Path dir;
    private final long minFree;
    private final String folder;
    private final String withheld;
    private final boolean createdLater;
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean unreadable = new AtomicBoolean();
    private volatile FileStore store;

    /** The work folder's check. @param minFreeBytes 0 turns the check off */
    public WorkFolderSpace(Path dir, long minFreeBytes) {
        this(dir, minFreeBytes, "Work folder", "task", false);
    }

    /**
     * @param folder what the folder is, for the log ("Delivery folder")
     * @param withheld what is not claimed while it is low, for the log ("export")
     * @param createdLater the folder may not exist yet (the delivery folder is created by the first delivery)
     */
    WorkFolderSpace(Path dir, long minFreeBytes, String folder, String withheld, boolean createdLater) {
        this.dir = dir;
        this.minFree = minFreeBytes;
        this.folder = folder;
        this.withheld = withheld;
        this.createdLater = createdLater;
    }

    /**
     * The folder, or for a folder created later its nearest existing parent until it exists. The work folder exists once
     * the node started: when it does not, its space is unreadable and claims go on.
     */
    private Path existingPart() {
        Path existing = dir.toAbsolutePath();
        while (createdLater && !Files.exists(existing) && existing.getParent() != null) {
            existing = existing.getParent();
        }
        return existing;
    }

    /**
     * Whether a worker of {@code stage} may claim: the work folder has room, and for an export the delivery folder too
     * (when one is configured). Without the second check a full delivery disk had the export claimed, run to its end
     * and given back every {@code full-retry-seconds}, forever.
     */
    static java.util.function.Predicate<org.mpp.store.Stage> forNode(WorkFolders folders, long minFreeBytes) {
        WorkFolderSpace work = new WorkFolderSpace(folders.work(), minFreeBytes);
        WorkFolderSpace delivery = folders.deliveryDir().map(d -> new WorkFolderSpace(d, minFreeBytes, "Delivery folder", "export", true)).orElse(null);
        return stage -> work.roomToClaim() && (stage != org.mpp.store.Stage.EXPORT || delivery == null || delivery.roomToClaim());
    }

    /**
     * True when the work folder has at least the configured free space. When the space cannot be read the answer is
     * true: the writes themselves report a full disk ({@link org.mpp.media.DiskFullException}).
     */
    public boolean roomToClaim() {
        if (minFree <= 0) {
            return true;
        }
        long free;
        try {
            FileStore s = store;
            if (s == null) {
                s = store = Files.getFileStore(existingPart());
            }
            free = s.getUsableSpace();
            unreadable.set(false);
        } catch (IOException | RuntimeException e) {
            if (unreadable.compareAndSet(false, true)) {
                log.warn("Cannot read the free space of the {} {} ({}); claiming as if there were room", folder.toLowerCase(java.util.Locale.ROOT), dir, e.toString());
            }
            return true;
        }
        boolean room = free >= minFree;
        if (!room && paused.compareAndSet(false, true)) {
            log.warn("{} {} has {} free, less than mpp.work.min-free-mb ({}): this node claims no new {} until"
                    + " there is room; free space there or lower the setting", folder, dir, DiskFullException.describe(free), DiskFullException.describe(minFree), withheld);
        } else if (room && paused.compareAndSet(true, false)) {
            // WARN like the pause, so that whoever sees the pause (the default configuration logs WARN and up) sees it end.
            log.warn("{} {} has room again ({} free, at least {}): claiming resumes", folder, dir, DiskFullException.describe(free), DiskFullException.describe(minFree));
        }
        return room;
    }
}
