package org.mpp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * Which file a name held when it was read. A new file under the same name, whether renamed over it or written into it,
 * differs in its file key, size or modification time: a node deletes a job's source only while it is still the file the
 * job read, and an ingest takes a probe made ahead only while the file is still the one probed.
 */
public record FileIdentity(Object fileKey, long size, FileTime modified) {
    /** {@code file}'s identity now; empty when there is no regular file under that name. */
    public static Optional<FileIdentity> of(Path file) {
        try {
            var a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? Optional.of(new FileIdentity(a.fileKey(), a.size(), a.lastModifiedTime())) : Optional.empty();
        } catch (IOException gone) {
            return Optional.empty();
        }
    }
}
