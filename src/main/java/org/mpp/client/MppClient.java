package org.mpp.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.mpp.MppException;
import org.mpp.config.Settings;
import org.mpp.node.SourceFiles;
import org.mpp.node.WorkFolders;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;

/**
 * Submits files and watches jobs without running any worker: for applications that feed an MPP cluster. Thread-safe;
 * close it to release its database pool (when it opened one).
 *
 * <pre>{@code
 * try (MppClient client = MppClient.create(settings)) {
 *     UUID job = client.submit(Path.of("talk.mov"), 0);
 *     JobView done = client.await(job, Duration.ofMinutes(30), v -> System.out.println(v.progress()));
 * }
 * }</pre>
 */
public final class MppClient implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(250);
    /** The longest pause of a watch that is woken by changes: what only other nodes change is seen within it. */
    private static final Duration WOKEN_POLL = Duration.ofSeconds(1);
    private final Database db;
    private final boolean ownsDb;
    private final JobStore jobs;
    private final WorkFolders folders;

    private MppClient(Database db, boolean ownsDb, Settings settings) {
        this.db = db;
        this.ownsDb = ownsDb;
        this.jobs = new JobStore(db);
        this.folders = new WorkFolders(settings.work());
    }

    /** Opens the database named by {@code mpp.db} (the embedded one in the work folder by default). */
    public static MppClient create(Settings settings) {
        return new MppClient(Database.open(settings.db(), settings.work().dir()), true, settings);
    }

    /** Uses an application's own pool; the client does not close it. */
    public static MppClient create(DataSource dataSource, Settings settings) {
        return new MppClient(Database.open(dataSource, settings.db().statementTimeout()), false, settings);
    }

    /** Shares an open database (a node's, for example); the client does not close it. */
    public static MppClient create(Database database, Settings settings) {
        return new MppClient(database, false, settings);
    }

    /**
     * Submits a video. A file outside the source folder is first copied into it (atomically; a clashing name gets a
     * numbered suffix). Returns the job's UUID.
     *
     * @throws MppException when the file is missing or cannot be copied
     */
    public UUID submit(Path file, int priority) {
        return submit(file, priority, null);
    }

    /**
     * As {@link #submit(Path, int)}; the job's events (job.started, job.completed, job.failed) are also POSTed to
     * {@code callbackUrl} (signed with {@code mpp.webhooks.callback-secret} when one is set). Null = no callback.
     *
     * @throws MppException when the file is missing or cannot be copied, or the URL is not an absolute http(s) URL
     */
    public UUID submit(Path file, int priority, java.net.URI callbackUrl) {
        String callback = checkedCallback(callbackUrl);
        Path rel = folders.sourceDir().relativize(intoSourceFolder(file));
        // Stored with '/' whatever the platform: every node reads the same name.
        return jobs.submit(rel.toString().replace(java.io.File.separatorChar, '/'), priority, callback);
    }

    /** The callback URL as stored (null: none). @throws MppException when it is not an absolute http(s) URL */
    private static String checkedCallback(java.net.URI callbackUrl) {
        if (callbackUrl == null) {
            return null;
        }
        try {
            return org.mpp.config.WebhookUrls.check(callbackUrl.toString()).toString();
        } catch (IllegalArgumentException e) {
            throw new MppException("Bad callback URL: " + e.getMessage(), e);
        }
    }

    /** Copies {@code file} into the source folder unless it is already there; returns its place there. */
    public Path intoSourceFolder(Path file) {
        return intoSourceFolder(folders, file);
    }

    /**
     * As {@link #intoSourceFolder(Path)}, into the source folder of {@code work}, with no database: {@code mpp run} copies
     * its files while the node opens its database, then submits the copies.
     *
     * @throws MppException when the file is missing or cannot be copied
     */
    public static Path intoSourceFolder(Settings.Work work, Path file) {
        return intoSourceFolder(new WorkFolders(work), file);
    }

    private static Path intoSourceFolder(WorkFolders folders, Path file) {
        Path f = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(f)) {
            throw new MppException(file + ": no such file");
        }
        if (f.startsWith(folders.sourceDir())) {
            return f;
        }
        try {
            return SourceFiles.copyInto(f, folders.sourceDir());
        } catch (IOException e) {
            throw new MppException("Cannot copy " + file + " into the source folder " + folders.sourceDir() + ": " + e, e);
        }
    }

    /**
     * Submits a video read from {@code in} (an upload), written into the source folder under {@code name} made safe
     * ({@link SourceFiles#safeName}; a clashing name gets a numbered suffix). Reads at most {@code maxBytes} and one more.
     *
     * @return the job's UUID
     * @throws SourceFiles.TooLargeException when {@code in} holds more than {@code maxBytes} (nothing is left on disk)
     * @throws IOException when the file cannot be written
     */
    public UUID submit(java.io.InputStream in, String name, long maxBytes, int priority) throws IOException {
        return submit(in, name, maxBytes, priority, null);
    }

    /**
     * As {@link #submit(java.io.InputStream, String, long, int)}, with the job's events also POSTed to {@code callbackUrl}
     * (null: none), which is checked before anything is written.
     *
     * @throws MppException when the URL is not an absolute http(s) URL
     */
    public UUID submit(java.io.InputStream in, String name, long maxBytes, int priority, java.net.URI callbackUrl) throws IOException {
        checkedCallback(callbackUrl);
        Path f = SourceFiles.writeInto(in, SourceFiles.safeName(name), folders.sourceDir(), maxBytes);
        return submit(f, priority, callbackUrl);
    }

    /**
     * Submits a file already in the source folder, named relative to it.
     *
     * @throws MppException when the name leaves the source folder or names no file there
     */
    public UUID submitSource(String sourceName, int priority) {
        return submitSource(sourceName, priority, null);
    }

    /** As {@link #submitSource(String, int)}, with the job's events also POSTed to {@code callbackUrl} (null: none). */
    public UUID submitSource(String sourceName, int priority, java.net.URI callbackUrl) {
        checkedCallback(callbackUrl);
        Path f = folders.source(sourceName).orElseThrow(() -> new MppException(sourceName + ": not a file name inside the source folder"));
        if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new MppException(sourceName + ": no such file in the source folder");
        }
        return submit(f, priority, callbackUrl);
    }

    /** The folder a job's finished files are written to ({@code export/<uuid>/}); it may not exist yet. */
    public Path exportFolder(UUID job) {
        return folders.export(job);
    }

    /**
     * Runs a failed job again from the start, moving its source back out of quarantine first.
     *
     * @return what was done, for the operator ("source moved back from quarantine", or a note), empty when nothing to say
     * @throws MppException saying why the job cannot be retried (not failed, no source, retried meanwhile)
     */
    public Optional<String> retry(JobView job) throws IOException {
        String what = "job " + job.id() + " (" + org.mpp.Names.printable(job.sourceName()) + ")";
        if (job.status() != org.mpp.store.Status.FAILED) {
            throw new MppException(what + " is " + job.statusName() + ", not failed: only failed jobs can be retried");
        }
        Optional<Path> source = folders.source(job.sourceName());
        if (source.isEmpty()) {
            throw new MppException(what + " names no file inside the source folder; it cannot run again");
        }
        Optional<Path> quarantined = folders.quarantined(job.sourceName(), job.uuid());
        Optional<String> note = Optional.empty();
        if (quarantined.isPresent() && !Files.exists(source.get())) {
            SourceFiles.move(quarantined.get(), source.get());
            note = Optional.of("source moved back from quarantine");
        } else if (quarantined.isPresent()) {
            note = Optional.of(source.get() + " is already back; the quarantined copy " + quarantined.get() + " is left alone");
        } else if (!Files.isRegularFile(source.get())) {
            throw new MppException(what + ": its source is neither in " + folders.quarantine() + " nor at " + source.get()
                    + "; put it back there and retry");
        }
        if (!jobs.retry(job.uuid())) {
            // retry() refuses only a job that is no longer failed: someone else retried or deleted it meanwhile.
            throw new MppException(what + " was retried or deleted by someone else meanwhile; see mpp status");
        }
        return note;
    }

    public Optional<JobView> job(UUID job) {
        return jobs.job(job);
    }

    /**
     * Deletes a job and its tasks; a node still working on it loses its claim and stops. Its files are left where they
     * are (its source, whatever its tasks wrote).
     *
     * @return false when there was no such job
     */
    public boolean delete(UUID job) {
        return jobs.delete(job);
    }

    /**
     * Waits until the job is complete or failed, calling {@code onChange} whenever its status or progress changes.
     *
     * @return the finished job (check {@link JobView#status()})
     * @throws TimeoutException when it is still running after {@code timeout}
     */
    public JobView await(UUID job, Duration timeout, Consumer<JobView> onChange) throws TimeoutException, InterruptedException {
        return await(job, timeout, onChange, d -> Thread.sleep(d.toMillis()), POLL);
    }

    /** How {@link #await} waits between two looks at the job: at most the time given, less when something may have changed. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration atMost) throws InterruptedException;
    }

    /**
     * As {@link #await(UUID, Duration, Consumer)}, pausing with {@code between}, which must end as soon as the job may
     * have changed (an engine's node ends it when one of its tasks ends or writes progress:
     * {@link org.mpp.node.Node#changeWaiter()}). It is given at most a second, for what other nodes change.
     */
    public JobView await(UUID job, Duration timeout, Consumer<JobView> onChange, Pause between) throws TimeoutException, InterruptedException {
        return await(job, timeout, onChange, between, WOKEN_POLL);
    }

    private JobView await(UUID job, Duration timeout, Consumer<JobView> onChange, Pause between, Duration poll)
            throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JobView last = null;
        while (true) {
            JobView v = jobs.job(job).orElseThrow(() -> new MppException("Job " + job + " was deleted"));
            if (last == null || v.status() != last.status() || v.progress() != last.progress()) {
                onChange.accept(v);
                last = v;
            }
            if (v.finished()) {
                return v;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Job " + job + " is still " + v.statusName() + " after " + timeout);
            }
            between.pause(poll);
        }
    }

    @Override
    public void close() {
        if (ownsDb) {
            db.close();
        }
    }
}
