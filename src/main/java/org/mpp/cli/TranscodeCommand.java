package org.mpp.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mpp.config.Settings;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaException;
import org.mpp.pipeline.LocalTranscoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpp transcode INPUT... --out DIR}: the whole pipeline on this machine, no database. */
@Command(name = "transcode", mixinStandardHelpOptions = true,
        description = {"Probe, check, segment, transcode and export each input into the configured ladder "
                + "(mpp.ladder), and cut the HLS/DASH package from them (mpp.packaging), on this machine, without a database.",
                "Prints each file written (the package's manifests for the package). A bad input gets one FAILED line and the others still run."})
final class TranscodeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Video files to transcode.")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder for the finished renditions and the streaming package <stem>-stream/ (mpp.packaging).")
    Path out;

    @Option(names = "--no-verify", description = "Skip decoding the whole source before cutting it.")
    boolean noVerify;

    @Override
    public Integer call() {
        Settings settings = main.settings();
        MediaEngine media = new MediaEngine(settings.media());
        LocalTranscoder transcoder = new LocalTranscoder(media, settings.ladder(), settings.work().dir(), !noVerify, settings.packaging());
        int failed = 0;
        for (Path input : inputs) {
            ProgressLine line = new ProgressLine(input.getFileName().toString(), System.err);
            try {
                LocalTranscoder.Result result = transcoder.transcode(input, out, line::show, Cancellation.none());
                line.done();
                result.outputs().forEach(p -> System.out.println(p));
                result.manifests().forEach(p -> System.out.println(p));
            } catch (MediaException e) {
                line.done();
                System.err.println(Main.failureLine(input, e));
                failed++;
            }
        }
        return failed == 0 ? 0 : Main.EXIT_FAILED;
    }
}
