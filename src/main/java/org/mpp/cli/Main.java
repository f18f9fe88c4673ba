package org.mpp.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.mpp.Names;
import org.mpp.config.ConfigurationException;
import org.mpp.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar mpp.jar COMMAND ...}. Exit codes: 0 success, 1 some input or job failed, 2 bad usage or
 * bad configuration.
 */
@Command(name = "mpp", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "MPP: distributed H.264 transcoding with in-process FFmpeg.")
public final class Main {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    /** Every command, in the order {@code mpp --help} lists them. */
    private static final List<Class<?>> COMMANDS = List.of(RunCommand.class, NodeCommand.class, DemoCommand.class, TranscodeCommand.class,
            ProbeCommand.class, SubmitCommand.class, StatusCommand.class, JobsCommand.class, NodesCommand.class, OutputsCommand.class,
            PolicyCommand.class, UsersCommand.class, EventsCommand.class, KeysCommand.class, DbCommand.class, CommandLine.HelpCommand.class);

    @Option(names = "--config", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "Configuration file (default: ./application.conf when present). "
                    + "Single keys can be overridden with -Dmpp.key=value.")
    Path config;

    /** Loads the settings once per run; a bad file or key becomes a usage error naming it. */
    Settings settings() {
        return Settings.load(Optional.ofNullable(config));
    }

    /**
     * "FAILED file: reason", without repeating the file name the reason may start with; control characters escaped
     * ({@link Names#printable}): a file name's line break or terminal escape must not forge a line or rewrite the screen.
     */
    static String failureLine(Path input, Exception e) {
        String msg = String.valueOf(e.getMessage());
        String prefix = input + ": ";
        return failureLine(input.toString(), msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
    }

    /** "FAILED what: reason", control characters escaped. */
    static String failureLine(String what, String reason) {
        return "FAILED " + Names.printable(what) + ": " + Names.printable(reason);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI without exiting the JVM (for tests and embedding). */
    public static int run(String... args) {
        CommandLine cmd = commandLine(args);
        cmd.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof ConfigurationException) {
                line.getErr().println(ex.getMessage());
                return EXIT_USAGE;
            }
            throw ex;
        });
        return cmd.execute(args);
    }

    /**
     * The command line for {@code args}: {@code mpp COMMAND ...} gets only that command's model, anything else (help, a
     * mistyped command) every command's. picocli builds a model by reflecting over a command's annotations and those of
     * its subcommands: all of them took 0.25 s of every cold start, a tenth of a cold {@code mpp run} of a 1 s clip.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cmd = new CommandLine(new Main());
        String named = commandName(args);
        List<Class<?>> wanted = COMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(named)).toList();
        for (Class<?> c : wanted.isEmpty() || named.equals("help") ? COMMANDS : wanted) {
            cmd.addSubcommand(c);
        }
        return cmd;
    }

    /** The first argument after the options of {@code mpp} itself ({@code --config FILE}); "" when there is none. */
    private static String commandName(String... args) {
        int i = 0;
        while (i < args.length && (args[i].equals("--config") || args[i].startsWith("--config="))) {
            i += args[i].equals("--config") ? 2 : 1;
        }
        return i < args.length ? args[i] : "";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mpp " + (v == null ? "development build" : v)};
        }
    }
}
