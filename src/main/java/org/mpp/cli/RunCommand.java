package org.mpp.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.mpp.MppException;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.node.Node;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import picocli.CommandLine.Command;
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

    @Override
    public Integer call() throws InterruptedException {
        return runFiles(main.settings(), files);
    }

    static int runFiles(Settings settings, List<Path> files) throws InterruptedException {
        try (Node node = Node.builder(settings).build().start();
                MppClient client = MppClient.create(node.database(), settings)) {
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
                    System.err.println("FAILED " + job.getValue() + ": " + done.failureReason());
                    failed++;
                }
            }
            return failed == 0 ? 0 : Main.EXIT_FAILED;
        }
    }
}
