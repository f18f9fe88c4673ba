package org.mpp.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.mpp.Names;
import org.mpp.config.Settings;
import org.mpp.store.Uuids;

/**
 * The shared work folder's layout (DESIGN.md): where sources wait, where each stage of a job writes, where
 * finished renditions and quarantined sources go. Immutable and thread-safe.
 */
public final class WorkFolders {
    private final Path work;
    private final Path source;
    private final Optional<Path> delivery;

    public WorkFolders(Settings.Work settings) {
        this.work = settings.dir().toAbsolutePath().normalize();
        this.source = settings.sourceDir().toAbsolutePath().normalize();
        this.delivery = settings.deliveryDir().map(p -> p.toAbsolutePath().normalize());
    }

    public Path work() {
        return work;
    }

    public Path sourceDir() {
        return source;
    }

    public Optional<Path> deliveryDir() {
        return delivery;
    }

    /**
     * The source file a job names, refusing names that escape the source folder ("../x", absolute paths) and names that
     * pass through a symbolic link to a folder ({@code linked/x.mp4} where {@code linked} points elsewhere): whatever a
     * node does with such a path (read it, delete it after export, quarantine it) would happen outside the source folder.
     * The file itself may be a link: {@link Stages} refuses to read it, and moving or deleting it acts on the link alone.
     * The source folder itself may be a link (a mount point, say); only what lies below it is checked.
     *
     * @return empty when the name is not a plain relative path inside the source folder
     */
    public Optional<Path> source(String sourceName) {
        if (sourceName == null || sourceName.isBlank() || sourceName.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        Path rel;
        try {
            rel = Path.of(sourceName);
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
        if (rel.isAbsolute()) {
            return Optional.empty();
        }
        Path resolved = source.resolve(rel).normalize();
        if (!resolved.startsWith(source) || resolved.equals(source)) {
            return Optional.empty();
        }
        for (Path folder = resolved.getParent(); !folder.equals(source); folder = folder.getParent()) {
            if (Files.isSymbolicLink(folder)) {
                return Optional.empty();
            }
        }
        return Optional.of(resolved);
    }

    /** Segments of a job's ingest attempt: {@code ingest/<uuid>/a<attempt>/}. */
    public Path ingest(UUID job, int attempt) {
        return work.resolve("ingest").resolve(Uuids.hex(job)).resolve("a" + attempt);
    }

    /** The job's audio at {@code kbps} encoded ahead of its export, beside the segments of ingest attempt {@code attempt}. */
    public Path preparedAudio(UUID job, int attempt, int kbps) {
        return ingest(job, attempt).resolve("audio-" + kbps + "k.m4a");
    }

    public Path ingestRoot(UUID job) {
        return work.resolve("ingest").resolve(Uuids.hex(job));
    }

    /** A rendition's encoded segment, named with the transcode attempt that wrote it (its fencing token). */
    public Path encodedSegment(UUID job, String renditionLabel, int segment, int attempt) {
        return transcodeRoot(job).resolve(renditionLabel).resolve(String.format("segment-%05d.a%d.mp4", segment, attempt));
    }

    /** The stills for the streaming package that a segment's transcode took, named with its attempt like its encoded segments. */
    public Path segmentStills(UUID job, int segment, int attempt) {
        return transcodeRoot(job).resolve(".stills").resolve(String.format("segment-%05d.a%d", segment, attempt));
    }

    public Path transcodeRoot(UUID job) {
        return work.resolve("transcode").resolve(Uuids.hex(job));
    }

    /** Finished renditions: {@code export/<uuid>/}. */
    public Path export(UUID job) {
        return work.resolve("export").resolve(Uuids.hex(job));
    }

    public Path quarantine() {
        return work.resolve("quarantine");
    }

    /** Moves a failed job's source into quarantine/ (never deletes it); returns where it went, if it existed. */
    public Optional<Path> quarantine(Path sourceFile, UUID job) throws IOException {
        // Whatever sits under the job's name goes (a folder named like a video too); a link moves as the link itself.
        if (!Files.exists(sourceFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Files.createDirectories(quarantine());
        Path target = quarantine().resolve(quarantineName(sourceFile.getFileName().toString(), job));
        Files.move(sourceFile, target, StandardCopyOption.REPLACE_EXISTING);
        return Optional.of(target);
    }

    /** The quarantined copy of a job's source, if any. */
    public Optional<Path> quarantined(String sourceName, UUID job) {
        return source(sourceName).map(s -> quarantine().resolve(quarantineName(s.getFileName().toString(), job))).filter(Files::isRegularFile);
    }

    /**
     * {@code <uuid hex>-<name>}; when that is longer than the file system's 255 bytes (a source whose name was refused as
     * too long, say), the name's stem is cut, at a character boundary, to fit, and its extension kept.
     */
    static String quarantineName(String name, UUID job) {
        String prefix = Uuids.hex(job) + "-";
        int room = Names.NAME_MAX_BYTES - Names.utf8Length(prefix);
        if (Names.utf8Length(name) <= room) {
            return prefix + name;
        }
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 && Names.utf8Length(name.substring(dot)) <= 16 ? name.substring(dot) : "";
        String stem = name.substring(0, name.length() - ext.length());
        int keep = room - Names.utf8Length(ext);
        int end = 0;
        for (int bytes = 0; end < stem.length(); ) {
            int cp = stem.codePointAt(end);
            bytes += Names.utf8Length(new String(Character.toChars(cp)));
            if (bytes > keep) {
                break;
            }
            end += Character.charCount(cp);
        }
        return prefix + stem.substring(0, end) + ext;
    }

    /** Deletes a job's ingest and transcode folders. */
    public void purge(UUID job) throws IOException {
        deleteTree(ingestRoot(job));
        deleteTree(transcodeRoot(job));
    }

    /**
     * The jobs that have a folder under ingest/ or transcode/ (named by their UUID's hex digits): jobs in progress, or
     * left behind. export/ is not listed: it keeps every finished job's renditions.
     */
    public Set<UUID> jobFolders() throws IOException {
        Set<UUID> jobs = new HashSet<>();
        for (String stage : new String[] {"ingest", "transcode"}) {
            Path dir = work.resolve(stage);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    list.forEach(p -> Uuids.fromHex(p.getFileName().toString()).ifPresent(jobs::add));
                }
            }
        }
        return jobs;
    }

    /**
     * Removes what a deleted job left in the work folder: its ingest and transcode folders, and the hidden temporary
     * files of an export that was being written (export/&lt;uuid&gt;/.*.tmp); finished renditions stay, as they are
     * the job's result. The export folder goes when nothing else is in it.
     */
    public void removeDeletedJob(UUID job) throws IOException {
        purge(job);
        Path out = export(job);
        if (Files.isDirectory(out)) {
            try (Stream<Path> files = Files.list(out)) {
                for (Path p : files.filter(f -> f.getFileName().toString().startsWith(".") && f.getFileName().toString().endsWith(".tmp")).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            try (Stream<Path> rest = Files.list(out)) {
                if (rest.findAny().isEmpty()) {
                    Files.deleteIfExists(out);
                }
            }
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Creates the standard folders. */
    public void create() throws IOException {
        Files.createDirectories(source);
        for (String d : new String[] {"ingest", "transcode", "export", "quarantine"}) {
            Files.createDirectories(work.resolve(d));
        }
    }
}
