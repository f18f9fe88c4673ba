package org.mpp.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.mpp.store.JobView;
import org.mpp.store.NodeStore.NodeView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mpp status}: the jobs and the nodes at a glance. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the jobs (newest first: status, progress, priority, failure, delivered files) and the nodes.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print one JSON document {jobs: [...], nodes: [...]}.")
    boolean json;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "Show at most N jobs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        return Session.run(main, s -> {
            List<JobView> jobs = s.jobs().list(Math.max(limit, 0));
            List<NodeView> nodes = s.nodes().list();
            if (json) {
                Json.print(Json.obj().with("jobs", jobs.stream().map(JobsCommand::json).toList())
                        .with("nodes", nodes.stream().map(NodesCommand::json).toList()));
                return 0;
            }
            System.out.println("JOBS");
            JobsCommand.table(jobs, System.out);
            System.out.println();
            System.out.println("NODES");
            NodesCommand.table(nodes, System.out);
            return 0;
        });
    }
}
