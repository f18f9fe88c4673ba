package org.mpp.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.mpp.store.NodeStore.NodeView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpp nodes}: lists the nodes; its subcommands authorise, deauthorise or stop one. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = {"List the nodes, or control one with a subcommand.", "ID is a node's number or its UUID."})
final class NodesCommand implements Callable<Integer> {
    private static final String ID_HELP = "The node's number or UUID.";

    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print the nodes as JSON.")
    boolean json;

    @Override
    public Integer call() {
        return Session.run(main, s -> {
            List<NodeView> nodes = s.nodes().list();
            if (json) {
                Json.print(nodes.stream().map(NodesCommand::json).toList());
            } else {
                table(nodes, System.out);
            }
            return 0;
        });
    }

    @Command(name = "authorise", aliases = "authorize", mixinStandardHelpOptions = true, description = "Let a node claim work.")
    int authorise(@Parameters(paramLabel = "ID", description = ID_HELP) String id) {
        return Session.run(main, s -> done(s.nodes().setAuthorised(id.strip(), true), "Authorised", id));
    }

    @Command(name = "deauthorise", aliases = "deauthorize", mixinStandardHelpOptions = true,
            description = "Stop a node from claiming new work; what it runs now finishes.")
    int deauthorise(@Parameters(paramLabel = "ID", description = ID_HELP) String id) {
        return Session.run(main, s -> done(s.nodes().setAuthorised(id.strip(), false), "Deauthorised", id));
    }

    @Command(name = "terminate", mixinStandardHelpOptions = true,
            description = "Ask a node to stop safely at its next heartbeat (its unfinished tasks go back to the queue).")
    int terminate(@Parameters(paramLabel = "ID", description = ID_HELP) String id) {
        return Session.run(main, s -> done(s.nodes().terminate(id.strip()), "Asked to terminate:", id));
    }

    private static int done(boolean found, String what, String id) {
        if (!found) {
            System.err.println("FAILED: no node " + id + " (give its number or UUID as mpp nodes shows them)");
            return Main.EXIT_FAILED;
        }
        System.out.println(what + " node " + id);
        return 0;
    }

    /** The nodes as an aligned table (shared with mpp status). */
    static void table(List<NodeView> nodes, PrintStream out) {
        if (nodes.isEmpty()) {
            out.println("No nodes.");
            return;
        }
        TextTable t = new TextTable("ID", "UUID", "HOST", "ROLES", "LAST SEEN", "AUTHORISED", "TERMINATE", "VERSION");
        for (NodeView n : nodes) {
            t.row(n.id(), n.uuid(), n.hostname(), n.roles(), n.lastAccess(), n.authorised(), n.terminate(), n.version());
        }
        t.print(out);
    }

    static Json.Obj json(NodeView n) {
        return Json.obj().with("id", n.id()).with("uuid", n.uuid() == null ? null : n.uuid().toString()).with("hostname", n.hostname())
                .with("roles", n.roles()).with("version", n.version()).with("lastSeen", n.lastAccess()).with("startedAt", n.startedAt())
                .with("authorised", n.authorised()).with("terminate", n.terminate()).with("active", n.active())
                .with("job", n.job() == null ? null : n.job().toString());
    }
}
