package org.mpp.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.mpp.store.JobView;
import org.mpp.store.Status;

/**
 * A job as the API shows it. {@code media} is the source's probe (null before ingest, and in a list of jobs);
 * {@code renditions} are the delivered MP4 files, largest first, and {@code stream} the streaming package's entry
 * points, both read from {@code files} (empty / null until the job is complete).
 */
record JobJson(long id, String uuid, String sourceName, StatusJson status, double progress, Long etaSeconds, int priority,
        boolean paused, String failureReason, String dateAdded, String dateCompleted, MediaJson media, List<FileJson> files,
        List<RenditionJson> renditions, StreamJson stream) {
    /** After the source's stem, a rendition's name: {@code <maxY>p<fps>.mp4}, maybe with the job's UUID (or its first
     * digits) before {@code .mp4}. */
    private static final Pattern RENDITION = Pattern.compile("(\\d+)p(\\d+)(-[0-9a-f-]{8,36})?\\.mp4");
    private static final Pattern MASTER = Pattern.compile("[^/]+/master\\.m3u8");

    /** A job status: the seed's code and its name. */
    record StatusJson(int code, String name) {
    }

    /** A finished file: its path inside the job's export folder, its size, and where to fetch it. */
    record FileJson(String name, long size, String url) {
    }

    /** A delivered MP4 rendition: its height and frame rate (from its name), size and URL. */
    record RenditionJson(String name, int height, int frameRate, long size, String url) {
    }

    /**
     * The streaming package's URLs: the HLS master playlist, the DASH manifest, the poster and the thumbnails track (each
     * null when the package lacks it). The thumbnails track names its sprite sheets relative to itself.
     */
    record StreamJson(String hls, String dash, String poster, String thumbnails) {
    }

    /**
     * @param exportFolder the job's export folder (listed only once the job is complete; hidden files are skipped)
     * @param clock the clock the estimate counts elapsed time on (dates are the database's local time, as stored)
     */
    static JobJson of(JobView j, Path exportFolder, Clock clock) {
        return of(j, exportFolder, clock, true);
    }

    /** As {@link #of(JobView, Path, Clock)}; without {@code withMedia}, {@code media} is null (lists leave the probe out). */
    static JobJson of(JobView j, Path exportFolder, Clock clock, boolean withMedia) {
        String id = j.uuid() == null ? String.valueOf(j.id()) : j.uuid().toString();
        List<FileJson> files = j.status() == Status.COMPLETE && exportFolder != null ? files(exportFolder, id) : List.of();
        return new JobJson(j.id(), j.uuid() == null ? null : j.uuid().toString(), j.sourceName(), new StatusJson(j.status(), j.statusName()),
                j.progress(), eta(j, clock), j.priority(), j.paused(), j.failureReason(), text(j.dateAdded()), text(j.dateCompleted()),
                withMedia ? MediaJson.of(j.mediaInfo()) : null, files, renditions(files, stem(j.sourceName())), stream(files));
    }

    /** The source's file name without folders and extension, as the export names renditions after it. */
    private static String stem(String sourceName) {
        String name = sourceName == null ? "" : sourceName.substring(sourceName.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static List<RenditionJson> renditions(List<FileJson> files, String stem) {
        List<RenditionJson> out = new ArrayList<>();
        for (FileJson f : files) {
            if (f.name().contains("/") || !f.name().startsWith(stem)) {
                continue;
            }
            Matcher m = RENDITION.matcher(f.name().substring(stem.length()));
            if (m.matches()) {
                out.add(new RenditionJson(f.name(), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), f.size(), f.url()));
            }
        }
        out.sort(Comparator.comparingInt(RenditionJson::height).reversed().thenComparing(RenditionJson::name));
        return List.copyOf(out);
    }

    private static StreamJson stream(List<FileJson> files) {
        FileJson master = files.stream().filter(f -> MASTER.matcher(f.name()).matches()).findFirst().orElse(null);
        if (master == null) {
            return null;
        }
        String folder = master.name().substring(0, master.name().indexOf('/') + 1);
        return new StreamJson(master.url(), url(files, folder + "manifest.mpd"), url(files, folder + "poster.jpg"),
                url(files, folder + "thumbnails.vtt"));
    }

    private static String url(List<FileJson> files, String name) {
        return files.stream().filter(f -> f.name().equals(name)).map(FileJson::url).findFirst().orElse(null);
    }

    /**
     * Remaining time from the progress so far, assuming the rest goes as fast as what is done: null before a job shows
     * some progress, once it is finished, and while it is paused.
     */
    private static Long eta(JobView j, Clock clock) {
        double p = j.progress();
        if (j.finished() || j.paused() || j.status() == Status.IMPORTED || !(p > 0.01) || p >= 1 || j.dateAdded() == null) {
            return null;
        }
        long elapsed = Duration.between(j.dateAdded(), LocalDateTime.now(clock)).toSeconds();
        return elapsed <= 0 ? null : Math.round(elapsed * (1 - p) / p);
    }

    /** A time as the API shows it (ISO-8601 without a zone), or null. */
    static String text(LocalDateTime t) {
        return t == null ? null : t.toString();
    }

    private static List<FileJson> files(Path folder, String jobId) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(Files::isRegularFile).filter(f -> !folder.relativize(f).toString().startsWith(".")
                    && !f.getFileName().toString().startsWith(".")).sorted().map(f -> {
                        String rel = folder.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                        return new FileJson(rel, size(f), "/api/v1/jobs/" + jobId + "/files/" + encode(rel));
                    }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Each path segment percent-encoded; the slashes between them kept. */
    private static String encode(String rel) {
        return Stream.of(rel.split("/")).map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }
}
