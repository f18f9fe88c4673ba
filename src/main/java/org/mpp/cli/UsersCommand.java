package org.mpp.cli;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.mpp.store.UserStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mpp users}: the logins of the seed's HTML interface (table {@code interface}, bcrypt hashes its PHP
 * {@code password_verify} accepts). MPP ships no login; an operator adds them here. A password is typed at a prompt
 * or piped in with {@code --password-stdin}, never given as an argument.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = {"List the logins of the HTML interface, or change them with a subcommand.",
                "Passwords are asked for at the terminal (twice, not shown) or read from the first line of standard input "
                        + "with --password-stdin; never on the command line."})
final class UsersCommand implements Callable<Integer> {
    private static final String STDIN_HELP = "Read the password from the first line of standard input instead of asking.";

    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print the logins as JSON.")
    boolean json;

    @Override
    public Integer call() {
        return list(json);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the logins (names only; hashes stay in the database).")
    int list(@Option(names = "--json", description = "Print the logins as JSON.") boolean json) {
        return Session.run(main, s -> {
            List<UserStore.User> users = new UserStore(s.db()).list();
            if (json) {
                Json.print(users.stream().map(u -> Json.obj().with("id", u.id()).with("name", u.name())).toList());
            } else if (users.isEmpty()) {
                System.out.println("No logins. Add one with: mpp users add NAME");
            } else {
                TextTable t = new TextTable("ID", "NAME");
                users.forEach(u -> t.row(u.id(), u.name()));
                t.print(System.out);
            }
            return 0;
        });
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a login.")
    int add(@Parameters(paramLabel = "NAME", description = "The login name (1 to 64 characters).") String name,
            @Option(names = "--password-stdin", description = STDIN_HELP) boolean stdin) {
        return withPassword(name, stdin, (s, password) -> {
            new UserStore(s.db()).add(name, password);
            System.out.println("Added login " + name);
            return 0;
        });
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a login's password.")
    int passwd(@Parameters(paramLabel = "NAME", description = "The login name.") String name,
            @Option(names = "--password-stdin", description = STDIN_HELP) boolean stdin) {
        return withPassword(name, stdin, (s, password) -> {
            if (!new UserStore(s.db()).setPassword(name, password)) {
                System.err.println("FAILED: no login " + name + " (mpp users list shows them)");
                return Main.EXIT_FAILED;
            }
            System.out.println("Changed the password of " + name);
            return 0;
        });
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a login.")
    int delete(@Parameters(paramLabel = "NAME", description = "The login name.") String name) {
        return Session.run(main, s -> {
            if (!new UserStore(s.db()).delete(name)) {
                System.err.println("FAILED: no login " + name + " (mpp users list shows them)");
                return Main.EXIT_FAILED;
            }
            System.out.println("Deleted login " + name);
            return 0;
        });
    }

    private interface PasswordAction {
        int run(Session s, char[] password);
    }

    /** Reads the password first (before touching the database), runs {@code action}, then wipes the password. */
    private int withPassword(String name, boolean stdin, PasswordAction action) {
        char[] password;
        try {
            password = PasswordInput.read(name, stdin);
        } catch (PasswordInput.Unavailable e) {
            System.err.println("FAILED: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        try {
            return Session.run(main, s -> {
                try {
                    return action.run(s, password);
                } catch (IllegalArgumentException e) {
                    System.err.println("FAILED: " + e.getMessage());
                    return Main.EXIT_USAGE;
                }
            });
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
