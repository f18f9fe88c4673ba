package org.mpp.cli;

import org.mpp.node.SourceFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.mpp.config.WebhookUrls;
import org.mpp.node.WorkFolders;
import org.mpp.store.JobView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpp submit FILE...}: puts files into the source folder and queues a job for each. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Queue a job for each file, copying it into the source folder first.",
                "A file already inside the source folder stays where it is; a copy whose name is taken gets a number "
                        + "(clip-1.mp4).",
                "Prints one line per job: id, UUID, source name. A missing file gets one FAILED line and the others "
                        + "are still submitted."})
final class SubmitCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Video files to transcode.")
    List<Path> files;

    @Option(names = "--priority", defaultValue = "0", paramLabel = "N",
            description = "Higher runs first (default: ${DEFAULT-VALUE}).")
    int priority;

    @Option(names = "--json", description = "Print the submitted jobs as JSON.")
    boolean json;

    @Option(names = "--callback", paramLabel = "URL",
            description = "POST each job's events (job.started, job.completed, job.failed) to this http(s) URL, signed with "
                    + "mpp.webhooks.callback-secret when set.")
    String callback;

    @Override
    public Integer call() {
        String callbackUrl = null;
        if (callback != null) {
            try {
                callbackUrl = WebhookUrls.check(callback).toString();
            } catch (IllegalArgumentException e) {
                System.err.println("FAILED: --callback: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
        }
        String url = callbackUrl;
        return Session.run(main, s -> {
            int failed = 0;
            List<Json.Obj> submitted = new ArrayList<>();
            for (Path file : files) {
                try {
                    String name = sourceName(file, s.folders());
                    UUID uuid = s.jobs().submit(name, priority, url);
                    long id = s.jobs().job(uuid).map(JobView::id).orElse(-1L);
                    submitted.add(Json.obj().with("id", id).with("uuid", uuid.toString()).with("sourceName", name));
                    if (!json) {
                        System.out.println(id + " " + uuid + " " + name);
                    }
                } catch (IOException e) {
                    System.err.println(Main.failureLine(file, e));
                    failed++;
                }
            }
            if (json) {
                Json.print(submitted);
            }
            return failed == 0 ? 0 : Main.EXIT_FAILED;
        });
    }

    /** The file's name relative to the source folder, copying it in when it lives elsewhere. */
    private static String sourceName(Path file, WorkFolders folders) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": not a regular file");
        }
        Path inside = file.toRealPath();
        Path sourceDir = Files.isDirectory(folders.sourceDir()) ? folders.sourceDir().toRealPath() : folders.sourceDir();
        if (!inside.startsWith(sourceDir)) {
            try {
                inside = SourceFiles.copyInto(file, folders.sourceDir()).toRealPath();
            } catch (IOException e) {
                throw new IOException(file + ": cannot copy it into the source folder " + folders.sourceDir() + ": " + e, e);
            }
            sourceDir = folders.sourceDir().toRealPath();
        }
        // Forward slashes: nodes on other operating systems read the same row.
        return sourceDir.relativize(inside).toString().replace(File.separatorChar, '/');
    }
}
