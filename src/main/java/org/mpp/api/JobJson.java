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
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.mpp.store.JobView;
import org.mpp.store.Status;

/** A job as the API shows it. */
record JobJson(long id, String uuid, String sourceName, StatusJson status, double progress, Long etaSeconds, int priority,
        boolean paused, String failureReason, String dateAdded, String dateCompleted, List<FileJson> files) {

    /** A job status: the seed's code and its name. */
    record StatusJson(int code, String name) {
    }

    /** A finished file: its path inside the job's export folder, its size, and where to fetch it. */
    record FileJson(String name, long size, String url) {
    }

    /**
     * @param exportFolder the job's export folder (listed only once the job is complete; hidden files are skipped)
     * @param clock the clock the estimate counts elapsed time on (dates are the database's local time, as stored)
     */
    static JobJson of(JobView j, Path exportFolder, Clock clock) {
        String id = j.uuid() == null ? String.valueOf(j.id()) : j.uuid().toString();
        List<FileJson> files = j.status() == Status.COMPLETE && exportFolder != null ? files(exportFolder, id) : List.of();
        return new JobJson(j.id(), j.uuid() == null ? null : j.uuid().toString(), j.sourceName(), new StatusJson(j.status(), j.statusName()),
                j.progress(), eta(j, clock), j.priority(), j.paused(), j.failureReason(), text(j.dateAdded()), text(j.dateCompleted()), files);
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
