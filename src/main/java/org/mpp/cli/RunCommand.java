package org.mpp.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.mpp.MppException;
import org.mpp.api.ApiServer;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
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

    /**
     * Runs {@code files} through a node in this process.
     *
     * @param serveApi also serve the HTTP API and the dashboard while they run
     * @param keepServing with {@code serveApi}: once the files are done, go on serving until Ctrl+C or the node stops
     *     (terminated, or the terminateAll policy): the demo
     */
    static int runFiles(Settings settings, List<Path> files, boolean serveApi, boolean keepServing) throws InterruptedException {
        try (Node node = Node.builder(settings).build().start();
                MppClient client = MppClient.create(node.database(), settings);
                ApiServer api = serveApi ? startApi(settings, node) : null) {
            Map<UUID, String> submitted = new LinkedHashMap<>();
            int failed = 0;
            for (Path f : files) {
                try {
                    submitted.put(client.submit(f, 0), f.getFileName().toString());
                } catch (MppException e) {
                    System.err.println(Main.failureLine(f, e));
                    failed++;
                }
            }
            // The node's workers polled before the files were there: they start now, not at their next poll.
            node.wake();
            for (Map.Entry<UUID, String> job : submitted.entrySet()) {
                ProgressLine line = new ProgressLine(job.getValue(), System.err);
                JobView done;
                try {
                    // Woken when one of the node's tasks ends: the job's last one ends the wait at once, not up to a poll later.
                    done = client.await(job.getKey(), Duration.ofDays(7), v -> line.show(v.statusName(), v.progress()), node::awaitTaskEnd);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException(e);
                }
                line.done();
                if (done.status() == Status.COMPLETE) {
                    done.deliveredFiles().lines().forEach(System.out::println);
                } else {
                    System.err.println(Main.failureLine(job.getValue(), done.failureReason()));
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
