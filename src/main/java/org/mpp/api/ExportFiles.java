package org.mpp.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a file inside a job's export folder from a path a client sent, and never outside it: no {@code ..} or
 * {@code .} segment, no empty segment (an absolute path or {@code //}), no backslash or NUL, no hidden file, and after
 * following links the file must still be inside the folder (a symbolic link pointing elsewhere is refused). Stateless.
 */
final class ExportFiles {
    private static final Map<String, String> TYPES = Map.of("mp4", "video/mp4", "m4s", "video/iso.segment", "m4a", "audio/mp4",
            "m3u8", "application/vnd.apple.mpegurl", "mpd", "application/dash+xml", "jpg", "image/jpeg", "jpeg", "image/jpeg",
            "vtt", "text/vtt", "png", "image/png", "json", "application/json");

    private ExportFiles() {
    }

    /** The file {@code rel} names inside {@code folder}; empty when it is not a plain file there. */
    static Optional<Path> resolve(Path folder, String rel) {
        if (rel == null || rel.isEmpty() || rel.indexOf('\\') >= 0 || rel.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        for (String segment : rel.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".")) {
                return Optional.empty();
            }
        }
        try {
            Path root = folder.toRealPath();
            Path f = root.resolve(rel).normalize();
            if (!f.startsWith(root) || !Files.isRegularFile(f)) {
                return Optional.empty();
            }
            Path real = f.toRealPath();
            return real.startsWith(root) && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? Optional.of(real) : Optional.empty();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** The content type a player expects for a file of the export folder, by its extension. */
    static String contentType(Path f) {
        String name = f.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
