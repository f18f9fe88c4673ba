package org.mpp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.mpp.MppException;
import org.mpp.Names;
import org.mpp.api.ApiServer;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.media.MediaEngine;
import org.mpp.node.Node;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpp run FILE...}: the newcomer's command: a node in this process, the files submitted, wait for them. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start a node in this process (embedded database unless mpp.db.url is set), submit the files, "
                + "show progress until they finish, and print the delivered files.",
                "Exit code 0 only when every file succeeded."})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Video files to transcode.")
    List<Path> files;

    @Option(names = "--api", description = "Also serve the HTTP API (mpp.api.bind, mpp.api.port) while the files run.")
    boolean api;

    @Override
    public Integer call() throws InterruptedException {
        return runFiles(main.settings(), files, api, false);
    }

    /** A file this command submitted: the name it is shown by, and its copy in the source folder. */
    private record Submitted(String name, Path copy) {
    }

    /**
     * Runs {@code files} through a node in this process.
     *
     * @param serveApi also serve the HTTP API and the dashboard while they run
     * @param keepServing with {@code serveApi}: once the files are done, go on serving until Ctrl+C or the node stops
     *     (terminated, or the terminateAll policy): the demo
     */
    static int runFiles(Settings settings, List<Path> files, boolean serveApi, boolean keepServing) throws InterruptedException {
        List<CompletableFuture<Path>> imported = importAhead(settings, files);
        Map<UUID, Submitted> submitted = new LinkedHashMap<>();
        try (Node node = Node.builder(settings).build();
                MppClient client = MppClient.create(node.database(), settings)) {
            int failed = 0;
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                try {
                    Path copy = imported(imported.get(i));
                    submitted.put(client.submit(copy, 0), new Submitted(f.getFileName().toString(), copy));
                } catch (MppException e) {
                    System.err.println(Main.failureLine(f, e));
                    failed++;
                }
            }
            // The workers start once the files are submitted: their first look finds them, with no poll or wake to wait for.
            ApiServer started = null;
            try {
                started = serveApi ? startApi(settings, node) : null;
                node.start();
            } catch (RuntimeException | Error e) {
                if (started != null) {
                    started.close();
                }
                withdraw(client, submitted);
                throw e;
            }
            try (ApiServer api = started) {
                for (Map.Entry<UUID, Submitted> job : submitted.entrySet()) {
                    ProgressLine line = new ProgressLine(job.getValue().name(), System.err);
                    JobView done;
                    try {
                        // Woken when one of the node's tasks ends or writes progress: the job's last task ends the wait at once,
                        // and the job is read no oftener than it changes here.
                        done = client.await(job.getKey(), Duration.ofDays(7), v -> line.show(v.statusName(), v.progress()), node.changeWaiter()::await);
                    } catch (java.util.concurrent.TimeoutException e) {
                        throw new IllegalStateException(e);
                    }
                    line.done();
                    if (done.status() == Status.COMPLETE) {
                        done.deliveredFiles().lines().forEach(System.out::println);
                    } else {
                        System.err.println(Main.failureLine(job.getValue().name(), done.failureReason()));
                        failed++;
                    }
                }
                if (api != null && keepServing) {
                    System.err.println("Done. The dashboard keeps serving at " + api.url() + "/ until Ctrl+C.");
                    Thread hook = new Thread(() -> {
                        api.close();
                        node.close();
                    }, "mpp-shutdown");
                    Runtime.getRuntime().addShutdownHook(hook);
                    node.awaitStop();
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // The hook is what stopped the node.
                    }
                }
                return failed == 0 ? 0 : Main.EXIT_FAILED;
            }
        } finally {
            discardUnsubmitted(files, imported, submitted.values().stream().map(Submitted::copy).collect(Collectors.toSet()));
        }
    }

    /**
     * Copies {@code files} into the source folder one after the other on a thread of their own, and probes the first copy
     * ({@link MediaEngine#probeAhead}), while this thread starts the node (its database took 0.4 s of a cold start): the
     * first ingest then starts with its file in place and probed. The rest are ingested while earlier ones transcode, so
     * they are not probed ahead. Each future holds the copy (the file itself when it is in the source folder already) or
     * the {@link MppException} that {@link MppClient#submit} would have thrown.
     */
    private static List<CompletableFuture<Path>> importAhead(Settings settings, List<Path> files) {
        List<CompletableFuture<Path>> imported = files.stream().map(f -> new CompletableFuture<Path>()).toList();
        Thread t = new Thread(() -> {
            for (int i = 0; i < files.size(); i++) {
                try {
                    Path copy = MppClient.intoSourceFolder(settings.work(), files.get(i));
                    if (i == 0) {
                        MediaEngine.probeAhead(copy, settings.media().limits());
                    }
                    imported.get(i).complete(copy);
                } catch (Throwable e) {
                    imported.get(i).completeExceptionally(e);
                }
            }
        }, "mpp-run-import");
        t.setDaemon(true);
        t.start();
        return imported;
    }

    /** The copy {@code importing} made, once made; rethrows its failure as submit would have. */
    private static Path imported(CompletableFuture<Path> importing) throws InterruptedException {
        try {
            return importing.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MppException m) {
                throw m;
            }
            throw new MppException("Cannot copy the file into the source folder: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Deletes the jobs this command submitted, when its node or its API could not start: left queued, they would run on
     * whichever node starts next on this database, long after this command reported its failure. The copy of each job
     * deleted is then discarded as if never submitted (it leaves {@code submitted}); a job that cannot be deleted keeps its
     * copy and is named.
     */
    private static void withdraw(MppClient client, Map<UUID, Submitted> submitted) {
        for (var it = submitted.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<UUID, Submitted> job = it.next();
            try {
                client.delete(job.getKey());
                it.remove();
            } catch (RuntimeException e) {
                System.err.println("Could not withdraw the job of " + Names.printable(job.getValue().name()) + " (" + job.getKey()
                        + "); it stays queued: " + Names.printable(e.toString()));
            }
        }
    }

    /**
     * Deletes the copies made for files that were never submitted (the database could not be opened, a submit failed) or
     * whose jobs were withdrawn: nothing would ever ingest or delete them. A file that was in the source folder already is
     * the user's and stays.
     */
    private static void discardUnsubmitted(List<Path> files, List<CompletableFuture<Path>> imported, Set<Path> submitted)
            throws InterruptedException {
        for (int i = 0; i < files.size(); i++) {
            Path copy;
            try {
                copy = imported.get(i).get();
            } catch (ExecutionException e) {
                continue;
            }
            if (!submitted.contains(copy) && !copy.equals(files.get(i).toAbsolutePath().normalize())) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    System.err.println("Could not delete " + Names.printable(copy.toString()) + ", copied for a file that was not submitted: "
                            + Names.printable(e.toString()));
                }
            }
        }
    }

    /** Starts the HTTP API beside {@code node} and says where it and the dashboard are (and how to get a key or login) on stderr. */
    static ApiServer startApi(Settings settings, Node node) {
        ApiServer api = ApiServer.start(settings, node.database());
        System.err.println("API at " + api.url() + " (Authorization: Bearer KEY; create a key with: mpp keys create NAME)");
        System.err.println("Dashboard at " + api.url() + "/ : log in with a login of this database; create one from this folder, "
                + "in another terminal, with: mpp users add NAME");
        return api;
    }
}
