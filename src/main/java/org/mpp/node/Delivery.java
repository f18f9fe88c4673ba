package org.mpp.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import org.mpp.MppException;
import org.mpp.media.DiskFullException;
import org.mpp.store.Uuids;

/**
 * Puts a job's finished renditions into the flat delivery folder without ever replacing a file there. Two jobs whose
 * sources share a stem ({@code talk.mov} today and again tomorrow; {@code a/talk.mp4} and {@code b/talk.mp4}) plan the
 * same names, so the name is chosen among these, in order, and taken atomically:
 * <ol>
 * <li>the rendition's own name, {@code <stem><maxY>p<fps>.mp4} ({@code talk720p30.mp4});</li>
 * <li>that name with the first 8 hex digits of the job's UUID before {@code .mp4} ({@code talk720p30-1a2b3c4d.mp4});</li>
 * <li>that name with the job's whole UUID (32 hex digits).</li>
 * </ol>
 * A name is taken with a hard link from a hidden temporary copy, which fails when the name exists (a rename would
 * replace it): two exports delivering at the same moment never both get one name. A name already holding exactly this
 * rendition's bytes counts as this job's own when the export is a retry ({@code attempt > 1}: an earlier attempt died
 * after delivering), so a retry does not deliver a second copy. Stateless; thread-safe.
 */
final class Delivery {
    /** The longest suffix {@link #candidates} adds to a name: "-" and 32 hex digits. */
    static final int LONGEST_SUFFIX = 33;

    private Delivery() {
    }

    /**
     * Copies {@code rendition} into {@code dir} under the first free name of the rule above.
     *
     * @param attempt the export's claim attempt (its fencing token); above 1, an identical file may be this job's own
     * @param beforePublish run after the copy, before a name is taken; throws to stop (the claim was lost)
     * @return the delivered file
     * @throws DiskFullException when the delivery folder's file system is full
     * @throws MppException when all three names hold other files
     */
    static Path deliver(Path rendition, Path dir, UUID job, int attempt, Runnable beforePublish) throws IOException {
        String name = rendition.getFileName().toString();
        List<String> names = candidates(name, job);
        Path temp = dir.resolve(tempPrefix(job) + UUID.randomUUID() + ".part");
        try {
            Files.createDirectories(dir);
            Files.copy(rendition, temp);
            beforePublish.run();
            for (String candidate : names) {
                Path target = dir.resolve(candidate);
                if (SourceFiles.publish(temp, target)) {
                    return target;
                }
                if (attempt > 1 && sameContent(target, rendition)) {
                    return target;
                }
            }
        } catch (IOException e) {
            if (DiskFullException.isDiskFull(e)) {
                throw new DiskFullException("Copying " + rendition + " to the delivery folder", dir.resolve(name), e);
            }
            throw e;
        } finally {
            Files.deleteIfExists(temp);
        }
        throw new MppException("Cannot deliver " + rendition + ": " + names + " all exist in the delivery folder " + dir
                + " and hold other files; move them away, then retry the job");
    }

    /**
     * Copies the streaming package {@code folder} into {@code dir} under the first free name of the rule above (the folder's
     * name, then with "-" and 8 or 32 hex digits of the job's UUID after it). The copy is made in a hidden folder and renamed
     * onto the name, which fails when a folder of files holds it: players and CDNs never see a half-copied package. A name
     * already holding exactly this package counts as this job's own when the export is a retry, as for a rendition.
     *
     * @return the delivered folder
     * @throws DiskFullException when the delivery folder's file system is full
     * @throws MppException when all three names are taken by other folders or files
     */
    static Path deliverFolder(Path folder, Path dir, UUID job, int attempt, Runnable beforePublish) throws IOException {
        String name = folder.getFileName().toString();
        String hex = Uuids.hex(job);
        List<String> names = List.of(name, name + "-" + hex.substring(0, 8), name + "-" + hex);
        Path temp = dir.resolve(tempPrefix(job) + UUID.randomUUID() + ".part");
        try {
            Files.createDirectories(dir);
            copyTree(folder, temp);
            beforePublish.run();
            for (String candidate : names) {
                Path target = dir.resolve(candidate);
                if (publishFolder(temp, target)) {
                    return target;
                }
                if (attempt > 1 && sameTree(target, folder)) {
                    return target;
                }
            }
        } catch (IOException e) {
            if (DiskFullException.isDiskFull(e)) {
                throw new DiskFullException("Copying " + folder + " to the delivery folder", dir.resolve(name), e);
            }
            throw e;
        } finally {
            WorkFolders.deleteTree(temp);
        }
        throw new MppException("Cannot deliver " + folder + ": " + names + " all exist in the delivery folder " + dir
                + " and hold other files; move them away, then retry the job");
    }

    /** Renames {@code temp} onto {@code target}; false when {@code target} exists (a rename replaces only an empty folder). */
    private static boolean publishFolder(Path temp, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !isEmptyFolder(target)) {
            return false;
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                return false; // Taken between the look and the rename.
            }
            throw e;
        }
    }

    private static boolean isEmptyFolder(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (var entries = Files.list(p)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Whether {@code a} is a folder holding the same files, with the same bytes, as {@code b}. */
    private static boolean sameTree(Path a, Path b) throws IOException {
        if (!Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        List<String> left;
        List<String> right;
        try (var wa = Files.walk(a); var wb = Files.walk(b)) {
            left = wa.map(p -> a.relativize(p).toString()).sorted().toList();
            right = wb.map(p -> b.relativize(p).toString()).sorted().toList();
        }
        if (!left.equals(right)) {
            return false;
        }
        for (String rel : left) {
            Path x = a.resolve(rel);
            Path y = b.resolve(rel);
            if (Files.isRegularFile(y, LinkOption.NOFOLLOW_LINKS) && !sameContent(x, y)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Deletes the hidden temporary copies an earlier export attempt of {@code job} left in the delivery folder when it was
     * killed mid-copy: they carry the job's UUID, so no other job's copy in progress is touched, and any attempt of this
     * job still copying has lost its claim.
     */
    static void deleteLeftovers(Path dir, UUID job) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        String prefix = tempPrefix(job);
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(".part")).toList()) {
                WorkFolders.deleteTree(p); // A rendition's copy, or a package's folder.
            }
        }
    }

    private static String tempPrefix(UUID job) {
        return ".mpp-" + Uuids.hex(job) + "-";
    }

    /** The names a job's rendition may take, in order of preference. */
    static List<String> candidates(String name, UUID job) {
        String hex = Uuids.hex(job);
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        return List.of(name, base + "-" + hex.substring(0, 8) + ext, base + "-" + hex + ext);
    }

    private static boolean sameContent(Path a, Path b) throws IOException {
        return Files.isRegularFile(a) && Files.size(a) == Files.size(b) && Files.mismatch(a, b) == -1;
    }
}
