package org.mpp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mpp db ...}: database housekeeping. */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Database housekeeping: mpp db migrate.")
final class DbCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: try mpp db migrate");
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = {"Bring the database schema up to date (the embedded H2 database when mpp.db.url is unset) "
                    + "and print its version.", "Safe to run again, and while nodes run: an up-to-date schema is left as it is."})
    int migrate() {
        return Session.run(main, s -> {
            // Opening the session applied the migrations.
            String version = s.db().schemaVersion();
            System.out.println("Schema version " + version + " (" + Session.location(s.settings()) + ")");
            return 0;
        });
    }
}
