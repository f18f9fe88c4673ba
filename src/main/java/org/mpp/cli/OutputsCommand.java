package org.mpp.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mpp.ladder.OutputSpec;
import org.mpp.store.ControlStore.OutputRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpp outputs}: the rendition ladder in the database, which nodes re-read while they run. */
@Command(name = "outputs", mixinStandardHelpOptions = true,
        subcommands = {OutputsCommand.AddOutput.class, OutputsCommand.SetOutput.class},
        description = {"List the output ladder, or change it with a subcommand.",
                "Nodes pick up changes for the segments they encode next."})
final class OutputsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print the outputs as JSON.")
    boolean json;

    @Override
    public Integer call() {
        return Session.run(main, s -> {
            List<OutputRow> rows = s.control().outputs();
            if (json) {
                Json.print(rows.stream().map(OutputsCommand::json).toList());
                return 0;
            }
            if (rows.isEmpty()) {
                System.out.println("No outputs.");
                return 0;
            }
            TextTable t = new TextTable("ID", "ACTIVE", "MAXX", "MAXY", "CRF", "PRESET", "PROFILE", "MAXFRAMERATE", "AUDIOBITRATE");
            for (OutputRow r : rows) {
                OutputSpec o = r.spec();
                if (o == null) {
                    t.row(r.id(), r.active(), "(values out of range: fix with mpp outputs set)", "", "", "", "", "", "");
                } else {
                    t.row(r.id(), r.active(), o.maxX(), o.maxY(), o.crf(), o.preset(), o.profile(), o.maxFramerate(), o.audioBitrate());
                }
            }
            t.print(System.out);
            return 0;
        });
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Stop making this rendition (the row stays).")
    int disable(@Parameters(paramLabel = "ID", description = "The output's id.") long id) {
        return Session.run(main, s -> done(s.control().setOutputActive(id, false), "Disabled", id));
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Make this rendition again.")
    int enable(@Parameters(paramLabel = "ID", description = "The output's id.") long id) {
        return Session.run(main, s -> done(s.control().setOutputActive(id, true), "Enabled", id));
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an active output to the ladder.")
    static final class AddOutput implements Callable<Integer> {
        @ParentCommand
        OutputsCommand outputs;

        @Option(names = "--max-x", required = true, paramLabel = "W", description = "Largest width.")
        int maxX;

        @Option(names = "--max-y", required = true, paramLabel = "H", description = "Largest height; also names the file (<stem><H>p<fps>.mp4).")
        int maxY;

        @Option(names = "--crf", paramLabel = "CRF", defaultValue = "23", description = "x264 CRF, 0 (lossless) to 51 (default: ${DEFAULT-VALUE}).")
        int crf;

        @Option(names = "--preset", paramLabel = "PRESET", defaultValue = "superfast", description = "x264 preset, ultrafast ... placebo (default: ${DEFAULT-VALUE}).")
        String preset;

        @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "main", description = "H.264 profile: baseline, main or high (default: ${DEFAULT-VALUE}).")
        String profile;

        @Option(names = "--max-framerate", defaultValue = "60", paramLabel = "FPS", description = "Frame rate cap (default: ${DEFAULT-VALUE}).")
        int maxFramerate;

        @Option(names = "--audio-bitrate", defaultValue = "128", paramLabel = "KBPS", description = "AAC bit rate in kb/s (default: ${DEFAULT-VALUE}).")
        int audioBitrate;

        @Override
        public Integer call() {
            OutputSpec spec;
            try {
                spec = new OutputSpec(maxX, maxY, crf, preset, profile, maxFramerate, audioBitrate);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return Main.EXIT_USAGE;
            }
            return Session.run(outputs.main, s -> {
                long id = s.control().addOutput(spec);
                System.out.println("Added output " + id + ": " + describe(spec));
                return 0;
            });
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Change an output; options left out keep their value.")
    static final class SetOutput implements Callable<Integer> {
        @ParentCommand
        OutputsCommand outputs;

        @Parameters(paramLabel = "ID", description = "The output's id.")
        long id;

        @Option(names = "--max-x", paramLabel = "W", description = "Largest width.")
        Integer maxX;

        @Option(names = "--max-y", paramLabel = "H", description = "Largest height.")
        Integer maxY;

        @Option(names = "--crf", paramLabel = "CRF", description = "x264 CRF, 0 to 51.")
        Integer crf;

        @Option(names = "--preset", paramLabel = "PRESET", description = "x264 preset.")
        String preset;

        @Option(names = "--profile", paramLabel = "PROFILE", description = "H.264 profile.")
        String profile;

        @Option(names = "--max-framerate", paramLabel = "FPS", description = "Frame rate cap.")
        Integer maxFramerate;

        @Option(names = "--audio-bitrate", paramLabel = "KBPS", description = "AAC bit rate in kb/s.")
        Integer audioBitrate;

        @Override
        public Integer call() {
            return Session.run(outputs.main, s -> {
                Optional<OutputRow> row = s.control().outputs().stream().filter(r -> r.id() == id).findFirst();
                if (row.isEmpty()) {
                    return done(false, "", id);
                }
                OutputSpec old = row.get().spec();
                boolean allGiven = maxX != null && maxY != null && crf != null && preset != null && profile != null
                        && maxFramerate != null && audioBitrate != null;
                if (old == null && !allGiven) {
                    System.err.println("Output " + id + " has values out of range: give every option (--max-x, --max-y, --crf, --preset, "
                            + "--profile, --max-framerate, --audio-bitrate)");
                    return Main.EXIT_USAGE;
                }
                OutputSpec spec;
                try {
                    spec = old == null ? new OutputSpec(maxX, maxY, crf, preset, profile, maxFramerate, audioBitrate)
                            : new OutputSpec(or(maxX, old.maxX()), or(maxY, old.maxY()), or(crf, old.crf()), or(preset, old.preset()),
                                    or(profile, old.profile()), or(maxFramerate, old.maxFramerate()), or(audioBitrate, old.audioBitrate()));
                } catch (IllegalArgumentException e) {
                    System.err.println(e.getMessage());
                    return Main.EXIT_USAGE;
                }
                if (!s.control().setOutput(id, spec)) {
                    return done(false, "", id);
                }
                System.out.println("Output " + id + ": " + describe(spec));
                return 0;
            });
        }

        private static <T> T or(T given, T old) {
            return given != null ? given : old;
        }
    }

    private static int done(boolean found, String what, long id) {
        if (!found) {
            System.err.println("FAILED: no output " + id + " (mpp outputs lists them)");
            return Main.EXIT_FAILED;
        }
        System.out.println(what + " output " + id);
        return 0;
    }

    static String describe(OutputSpec o) {
        return "fits " + o.maxX() + "x" + o.maxY() + ", CRF " + o.crf() + ", " + o.preset() + ", " + o.profile() + ", at most "
                + o.maxFramerate() + " fps, audio " + o.audioBitrate() + " kb/s";
    }

    static Json.Obj json(OutputRow r) {
        OutputSpec o = r.spec();
        Json.Obj j = Json.obj().with("id", r.id()).with("active", r.active()).with("valid", o != null);
        if (o != null) {
            j.with("maxX", o.maxX()).with("maxY", o.maxY()).with("crf", o.crf()).with("preset", o.preset()).with("profile", o.profile())
                    .with("maxFramerate", o.maxFramerate()).with("audioBitrate", o.audioBitrate());
        }
        return j;
    }
}
