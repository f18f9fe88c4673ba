package org.mpp.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A write ran out of room: the file system holding {@link #path()} said "no space left on device" (ENOSPC). Nothing
 * is wrong with the input or with the work, so retrying once there is room succeeds: a node gives the task back
 * without counting a failure instead of failing it. The message names the file and the room left on its file
 * system when the write failed.
 */
public class DiskFullException extends MediaException {
    private final Path path;
    private final long freeBytes;

    /**
     * @param what the write that failed ("Writing /work/export/…/a.mp4"), named in the message
     * @param path the file being written; the free space of its file system goes in the message
     * @param cause the error that reported the full disk, or null (FFmpeg reports a code, not an exception)
     */
    public DiskFullException(String what, Path path, Throwable cause) {
        this(what, path, freeSpace(path), cause);
    }

    private DiskFullException(String what, Path path, long freeBytes, Throwable cause) {
        super(what + " failed: no space left on device (" + (freeBytes < 0 ? "free space unknown" : describe(freeBytes) + " free on its"
                + " file system") + "); free some space there", cause);
        this.path = path;
        this.freeBytes = freeBytes;
    }

    /** The file whose write failed. */
    public Path path() {
        return path;
    }

    /** The bytes its file system had free just after the write failed; -1 when they could not be read. */
    public long freeBytes() {
        return freeBytes;
    }

    /**
     * True when {@code e} or one of its causes says the disk is full: a {@link DiskFullException}, or an I/O error
     * from Java with the operating system's ENOSPC text. Java gives no error code, only the C library's text, which is
     * matched in English (its text under the C and English locales).
     */
    public static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DiskFullException || t instanceof IOException && t.getMessage() != null
                    && t.getMessage().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    /** Turns an I/O error of a write into a {@link DiskFullException} when it says the disk is full. */
    public static MediaException of(String what, Path path, IOException e) {
        return isDiskFull(e) ? new DiskFullException(what, path, e) : new MediaException(what + " failed: " + e, e);
    }

    private static long freeSpace(Path path) {
        for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                try {
                    return Files.getFileStore(p).getUsableSpace();
                } catch (IOException | RuntimeException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Bytes in the unit that keeps the number readable: "8.0 KiB", "512.0 MiB". */
    public static String describe(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
