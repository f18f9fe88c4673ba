package org.mpp.node;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.mpp.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch folder ({@code mpp.work.watch}): polls the top of the source folder and makes a job of each regular file
 * whose size and modification time have not changed for the settle time, exactly once across the cluster
 * ({@link JobStore#submitWatched}: the database refuses a second job for the same name, size and time). Hidden files,
 * temporary names ({@code .part}, {@code .tmp}, {@code .crdownload}, {@code ~}), symbolic links and folders are ignored.
 * Its own named daemon thread; a round that throws is logged and the next one runs. Not thread-safe apart from
 * {@link #start}/{@link #close}: {@link #scanOnce} runs on that thread (or a test's).
 */
final class WatchFolder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchFolder.class);
    private final Path sourceDir;
    private final JobStore jobs;
    private final long settleNanos;
    private final LongSupplier nanoClock;
    private final Runnable onNewJob;
    private final Map<String, Seen> seen = new HashMap<>();
    private ScheduledExecutorService thread;

    /** What one file looked like, since when (monotonic), and whether it was handed to the database already. */
    private record Seen(long size, long modified, long since, boolean taken) {
    }

    /**
     * @param nanoClock monotonic time (System::nanoTime; tests pass their own)
     * @param onNewJob called after this node made a job (to wake its ingest workers)
     */
    WatchFolder(Path sourceDir, JobStore jobs, Duration settle, LongSupplier nanoClock, Runnable onNewJob) {
        this.sourceDir = sourceDir;
        this.jobs = jobs;
        this.settleNanos = settle.toNanos();
        this.nanoClock = nanoClock;
        this.onNewJob = onNewJob;
    }

    /** How often the folder is looked at: half the settle time, between 0.1 s and 2 s. */
    static Duration interval(Duration settle) {
        long ms = Math.max(100, Math.min(2000, settle.toMillis() / 2));
        return Duration.ofMillis(ms);
    }

    synchronized void start(String name) {
        if (thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        long every = interval(Duration.ofNanos(settleNanos)).toMillis();
        thread.scheduleWithFixedDelay(this::round, 0, every, TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            scanOnce();
        } catch (Throwable t) {
            log.warn("Watch folder {}: {}", sourceDir, t.toString());
        }
    }

    /** One look at the folder; returns the jobs this call made. */
    Set<UUID> scanOnce() throws IOException {
        Set<UUID> made = new HashSet<>();
        if (!Files.isDirectory(sourceDir)) {
            return made;
        }
        long now = nanoClock.getAsLong();
        Set<String> present = new HashSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(sourceDir)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (ignored(name)) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException gone) {
                    continue;
                }
                if (!a.isRegularFile()) {
                    continue;
                }
                present.add(name);
                long modified = a.lastModifiedTime().toMillis();
                Seen before = seen.get(name);
                if (before == null || before.size() != a.size() || before.modified() != modified) {
                    seen.put(name, new Seen(a.size(), modified, now, false));
                } else if (!before.taken() && now - before.since() >= settleNanos) {
                    jobs.submitWatched(name, a.size(), modified).ifPresent(job -> {
                        log.info("Watch folder: {} became job {}", org.mpp.Names.printable(name), job);
                        made.add(job);
                    });
                    seen.put(name, new Seen(before.size(), before.modified(), before.since(), true));
                }
            }
        }
        seen.keySet().retainAll(present);
        if (!made.isEmpty()) {
            onNewJob.run();
        }
        return made;
    }

    /** Hidden files and names that usually mean "still being written". */
    static boolean ignored(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.startsWith(".") || n.endsWith(".part") || n.endsWith(".tmp") || n.endsWith(".crdownload") || n.endsWith(".partial")
                || n.endsWith("~") || n.endsWith(".filepart");
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            // No interrupt: H2 closes its file when a thread is interrupted inside it. A round ends within a statement.
            thread.shutdown();
            try {
                thread.awaitTermination(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
