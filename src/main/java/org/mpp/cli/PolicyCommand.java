package org.mpp.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpp policy}: the live policies (rows of {@code policy}), which nodes re-read while they run. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = {"List the cluster's policies, or change one with: mpp policy set NAME VALUE.",
                "Switches take 1 or 0; nodeTimeout (seconds) and failureTolerance take a whole number of 1 or more."})
final class PolicyCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print the policies as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        return Session.run(main, s -> {
            Map<String, String> rows = s.control().policyRows();
            if (json) {
                Json.Obj o = Json.obj();
                rows.forEach(o::with);
                Json.print(o);
                return 0;
            }
            TextTable t = new TextTable("POLICY", "VALUE");
            rows.forEach((name, value) -> t.row(name, value));
            t.print(System.out);
            return 0;
        });
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Set a policy; nodes follow within a heartbeat or two.")
    int set(@Parameters(index = "0", paramLabel = "NAME", description = "One of ingestEnabled, transcodeEnabled, exportEnabled, "
            + "terminateAll, nodeTimeout, verifyDuringIngest, failureTolerance.") String name,
            @Parameters(index = "1", paramLabel = "VALUE", description = "1/0 (or true/false) for switches, a number for the others.") String value) {
        return Session.run(main, s -> {
            try {
                s.control().setPolicy(name, value.strip());
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return Main.EXIT_USAGE;
            }
            System.out.println("Policy " + name + " = " + s.control().policyRows().get(name));
            return 0;
        });
    }
}
