package org.mpp.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpp probe INPUT}: prints the media info that ingest would store, as JSON. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Print what MPP reads from a video (streams, timing, rotation, keyframes) as JSON.")
final class ProbeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "INPUT", description = "The video file to probe.")
    Path input;

    @Override
    public Integer call() {
        MediaEngine media = new MediaEngine(main.settings().media());
        try {
            System.out.println(media.probe(input, Cancellation.none()).toJson());
            return 0;
        } catch (MediaException e) {
            System.err.println(Main.failureLine(input, e));
            return Main.EXIT_FAILED;
        }
    }
}
