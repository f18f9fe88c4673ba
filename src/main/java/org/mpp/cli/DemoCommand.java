package org.mpp.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mpp demo}: makes a short clip and transcodes it, so a newcomer needs no video of their own. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generate a short 1280x720 test clip and run it through a node in this process "
                + "(as 'mpp run' does), on the embedded database unless mpp.db.url is set.",
                "The renditions land in <work>/export/<job>/ (and the delivery folder, when one is set)."})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of the clip (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--api", description = "Also serve the HTTP API and the dashboard (mpp.api.bind, mpp.api.port), and go on "
            + "serving them after the demo job is done, until Ctrl+C.")
    boolean api;

    @Override
    public Integer call() {
        Path clip = main.settings().work().dir().resolve("demo").resolve("demo.mp4");
        System.err.println("Writing a " + seconds + " s demo clip to " + clip);
        org.mpp.media.DemoClip.write(clip, 1280, 720, 30, seconds);
        try {
            return RunCommand.runFiles(main.settings(), java.util.List.of(clip), api, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.EXIT_FAILED;
        }
    }
}
