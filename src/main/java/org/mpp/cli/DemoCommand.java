package org.mpp.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mpp demo}: makes a short clip and transcodes it, so a newcomer needs no video of their own. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate a short 1280x720 test clip and transcode it into the configured ladder.")
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--out", defaultValue = "out", paramLabel = "DIR", description = "Folder for the renditions (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of the clip (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Override
    public Integer call() {
        Path clip = main.settings().work().dir().resolve("demo").resolve("demo.mp4");
        System.err.println("Writing a " + seconds + " s demo clip to " + clip);
        org.mpp.media.DemoClip.write(clip, 1280, 720, 30, seconds);
        TranscodeCommand transcode = new TranscodeCommand();
        transcode.main = main;
        transcode.inputs = java.util.List.of(clip);
        transcode.out = out;
        return transcode.call();
    }
}
