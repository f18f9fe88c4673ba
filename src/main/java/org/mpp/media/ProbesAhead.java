package org.mpp.media;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mpp.FileIdentity;
import org.mpp.config.Settings;

/**
 * Probes made before their job's ingest claims the file, kept for that ingest in this process: {@code mpp run} probes
 * the first file it has copied into the source folder while the node opens its database, and the ingest, a few hundred
 * milliseconds later, starts from that probe instead of reading the file again. A probe is taken once, by the first
 * ingest of that path, and only while the file is still the one probed (its file key, size and modification time, read
 * before the probe, unchanged) and the limits are the same; anything else, a failed probe included, probes again as usual,
 * so failures keep their usual path. A probe no ingest takes (its submit failed, another node ingested the job) stays
 * until the process ends: {@code mpp run} probes one file ahead, and its packet index is small beside the process.
 * Thread-safe.
 */
final class ProbesAhead {
    private record Ahead(FileIdentity identity, Settings.Limits limits, CompletableFuture<Prober.Scanned> scan) {
    }

    private final Map<Path, Ahead> ahead = new ConcurrentHashMap<>();

    /** Starts probing {@code file} on a daemon thread; the future ends with its result or failure. */
    CompletableFuture<MediaInfo> start(Path file, Settings.Limits limits) {
        Path key = key(file);
        Optional<FileIdentity> identity = FileIdentity.of(key);
        if (identity.isEmpty()) {
            return CompletableFuture.failedFuture(new BadInputException(file + ": not a readable file"));
        }
        CompletableFuture<Prober.Scanned> scan = new CompletableFuture<>();
        ahead.put(key, new Ahead(identity.get(), limits, scan));
        Thread t = new Thread(() -> {
            try {
                scan.complete(Prober.scan(key, limits, Cancellation.none()));
            } catch (Throwable e) {
                scan.completeExceptionally(e);
            }
        }, "mpp-probe-ahead");
        t.setDaemon(true);
        t.start();
        return scan.thenApply(Prober.Scanned::info);
    }

    /**
     * The probe made ahead of {@code file} under {@code limits}, waiting for it while it runs (the wait honours
     * {@code cancel}); empty when there is none, the file changed since, or that probe failed.
     */
    Optional<Prober.Scanned> take(Path file, Settings.Limits limits, Cancellation cancel) {
        Path key = key(file);
        Ahead a = ahead.remove(key);
        if (a == null || !a.limits().equals(limits)) {
            return Optional.empty();
        }
        Optional<Prober.Scanned> scanned = await(a.scan(), key, cancel);
        // Read after the probe ended: a file replaced or rewritten while it ran is probed again.
        if (scanned.isEmpty() || !FileIdentity.of(key).equals(Optional.of(a.identity()))) {
            return Optional.empty();
        }
        return scanned;
    }

    private static Optional<Prober.Scanned> await(CompletableFuture<Prober.Scanned> scan, Path file, Cancellation cancel) {
        while (true) {
            cancel.check("Probing " + file);
            try {
                return Optional.of(scan.get(50, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                // Still probing: look at the cancel flag again.
            } catch (ExecutionException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("Interrupted while probing " + file);
            }
        }
    }

    private static Path key(Path file) {
        return Objects.requireNonNull(file).toAbsolutePath().normalize();
    }
}
