package org.mpp.cli;

import java.nio.file.Path;
import java.util.Optional;
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
        description = "MPP: distributed H.264 transcoding with in-process FFmpeg.",
        subcommands = {RunCommand.class, NodeCommand.class, DemoCommand.class, TranscodeCommand.class, ProbeCommand.class,
                SubmitCommand.class, StatusCommand.class, JobsCommand.class, NodesCommand.class, OutputsCommand.class,
                PolicyCommand.class, UsersCommand.class, EventsCommand.class, KeysCommand.class, DbCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Option(names = "--config", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "Configuration file (default: ./application.conf when present). "
                    + "Single keys can be overridden with -Dmpp.key=value.")
    Path config;

    /** Loads the settings once per run; a bad file or key becomes a usage error naming it. */
    Settings settings() {
        return Settings.load(Optional.ofNullable(config));
    }

    /** "FAILED file: reason", without repeating the file name the reason may start with. */
    static String failureLine(Path input, Exception e) {
        String msg = String.valueOf(e.getMessage());
        String prefix = input + ": ";
        return "FAILED " + input + ": " + (msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI without exiting the JVM (for tests and embedding). */
    public static int run(String... args) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof ConfigurationException) {
                line.getErr().println(ex.getMessage());
                return EXIT_USAGE;
            }
            throw ex;
        });
        return cmd.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mpp " + (v == null ? "development build" : v)};
        }
    }
}
