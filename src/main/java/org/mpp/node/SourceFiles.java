package org.mpp.node;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import org.mpp.FileIdentity;

/**
 * Puts files into the source folder the way DESIGN.md asks: written under a hidden temporary name, then renamed,
 * so that no node or watcher ever sees half a file; an existing file is never replaced.
 */
public final class SourceFiles {
    private SourceFiles() {
    }

    /**
     * Copies {@code file} into {@code dir} under its own name, or {@code name-1.ext}, {@code name-2.ext}, ... when
     * that name is taken.
     *
     * @return the new file
     */
    public static Path copyInto(Path file, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path temp = tempBeside(dir);
        try {
            Files.copy(file, temp);
            String name = file.getFileName().toString();
            for (int n = 0; ; n++) {
                Path target = dir.resolve(n == 0 ? name : numbered(name, n));
                if (publish(temp, target)) {
                    return target;
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A stream longer than the cap given to {@link #writeInto}; nothing of it was left on disk. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long maxBytes) {
            super("more than " + maxBytes + " bytes");
        }
    }

    /**
     * Writes {@code in} into {@code dir} under {@code name} (or a numbered variant when taken), the way
     * {@link #copyInto(Path, Path)} copies a file: under a hidden temporary name first. Reads at most {@code maxBytes}
     * and one more byte: a longer stream is not read further and its partial file is removed.
     *
     * @param name a plain file name ({@link org.mpp.Names#isPlainFileName})
     * @throws TooLargeException when {@code in} holds more than {@code maxBytes}
     * @throws IllegalArgumentException when {@code name} is not a plain file name
     */
    public static Path writeInto(java.io.InputStream in, String name, Path dir, long maxBytes) throws IOException {
        if (!org.mpp.Names.isPlainFileName(name)) {
            throw new IllegalArgumentException("not a plain file name: " + org.mpp.Names.printable(name));
        }
        Files.createDirectories(dir);
        Path temp = tempBeside(dir);
        try {
            try (java.io.OutputStream out = Files.newOutputStream(temp, java.nio.file.StandardOpenOption.CREATE_NEW)) {
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                for (int n; (n = in.read(buf, 0, (int) Math.min(buf.length, maxBytes + 1 - total))) > 0; ) {
                    total += n;
                    if (total > maxBytes) {
                        throw new TooLargeException(maxBytes);
                    }
                    out.write(buf, 0, n);
                }
            }
            for (int n = 0; ; n++) {
                Path target = dir.resolve(n == 0 ? name : numbered(name, n));
                if (publish(temp, target)) {
                    return target;
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * A plain file name made from what an uploader called a file: its last path component, without control characters
     * or leading dots (no hidden files, never {@code ..}), cut to {@link org.mpp.Names#NAME_MAX_BYTES}; "upload" when
     * nothing is left.
     */
    public static String safeName(String uploaded) {
        String n = uploaded == null ? "" : uploaded;
        n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
        StringBuilder b = new StringBuilder();
        n.codePoints().filter(c -> c != 0 && !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT
                && c != 0x2028 && c != 0x2029).forEach(b::appendCodePoint);
        n = b.toString().strip();
        while (n.startsWith(".")) {
            n = n.substring(1);
        }
        while (org.mpp.Names.utf8Length(n) > org.mpp.Names.NAME_MAX_BYTES) {
            n = n.substring(0, n.offsetByCodePoints(n.length(), -1));
        }
        return n.isEmpty() || !org.mpp.Names.isPlainFileName(n) ? "upload" : n;
    }

    /**
     * Moves {@code file} to {@code target}, which must not exist; across file systems it copies to a temporary
     * name beside the target first.
     *
     * @throws FileAlreadyExistsException when {@code target} exists
     */
    public static void move(Path file, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            // fall through: copy beside the target, then rename
        }
        Path temp = tempBeside(target.toAbsolutePath().getParent());
        try {
            Files.copy(file, temp);
            if (!publish(temp, target)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            Files.delete(file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Deletes {@code file} if it is still the file {@code read} describes. A source is deleted once its job completed,
     * and by then a user may have put a new file under the same name for a new job: that one stays.
     *
     * @return true when the file was deleted; false when it was gone or is another file now
     */
    public static boolean deleteIfUnchanged(Path file, FileIdentity read) throws IOException {
        if (!FileIdentity.of(file).equals(Optional.of(read))) {
            return false;
        }
        return Files.deleteIfExists(file);
    }

    /**
     * A hidden name in {@code dir} for a file being written. Not {@code Files.createTempFile}: its owner-only
     * permissions would travel with the file and hide it from nodes running as other users.
     */
    private static Path tempBeside(Path dir) {
        return dir.resolve(".mpp-" + UUID.randomUUID() + ".part");
    }

    /** "clip.mp4", 2 → "clip-2.mp4"; "clip", 2 → "clip-2". */
    public static String numbered(String name, int n) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot) : name + "-" + n;
    }

    /**
     * Gives {@code temp}'s content the name {@code target} unless that name exists. A hard link fails atomically
     * when the name is taken, where a rename would silently replace a file another submitter just published; file
     * systems without hard links get a check followed by a rename.
     *
     * @return false when {@code target} exists
     */
    static boolean publish(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException taken) {
            return false;
        } catch (UnsupportedOperationException | FileSystemException noLinks) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
    }
}
