package org.mpp.cli;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mpp.MppException;
import org.mpp.Names;
import org.mpp.client.MppClient;
import org.mpp.store.JobView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpp jobs}: lists jobs; its subcommands pause, resume, re-prioritise, retry and delete one. */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = {"List jobs (newest first), or steer one with a subcommand.",
                "ID is a job's number or its UUID, as mpp status shows them."})
final class JobsCommand implements Callable<Integer> {
    private static final String ID_HELP = "The job's number or UUID.";

    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print the jobs as JSON.")
    boolean json;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "Show at most N jobs (default: ${DEFAULT-VALUE}).")
    int limit;

    /** What a subcommand does to the job it found. */
    private interface JobAction {
        int run(Session s, JobView job) throws IOException;
    }

    @Override
    public Integer call() {
        return Session.run(main, s -> {
            List<JobView> jobs = s.jobs().list(Math.max(limit, 0));
            if (json) {
                Json.print(jobs.stream().map(JobsCommand::json).toList());
            } else {
                table(jobs, System.out);
            }
            return 0;
        });
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop a job's waiting tasks from being claimed; running ones finish.")
    int pause(@Parameters(paramLabel = "ID", description = ID_HELP) String id) {
        return withJob(id, (s, job) -> done(s.jobs().setPaused(job.uuid(), true), "Paused", job));
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Let a paused job's tasks be claimed again.")
    int resume(@Parameters(paramLabel = "ID", description = ID_HELP) String id) {
        return withJob(id, (s, job) -> done(s.jobs().setPaused(job.uuid(), false), "Resumed", job));
    }

    @Command(name = "priority", mixinStandardHelpOptions = true, description = "Set a job's priority; higher runs first.")
    int priority(@Parameters(index = "0", paramLabel = "ID", description = ID_HELP) String id,
            @Parameters(index = "1", paramLabel = "N", description = "The new priority.") int priority) {
        return withJob(id, (s, job) -> done(s.jobs().setPriority(job.uuid(), priority), "Priority " + priority + " for", job));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a job and its tasks; a node working on it stops.",
                    "Files are left alone: the source, if still there, stays in the source folder."})
    int delete(@Parameters(paramLabel = "ID", description = ID_HELP) String id) {
        return withJob(id, (s, job) -> done(s.jobs().delete(job.uuid()), "Deleted", job));
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Run a failed job again from the start, moving its source back out of quarantine first.")
    int retry(@Parameters(paramLabel = "ID", description = ID_HELP) String id) {
        return withJob(id, (s, job) -> {
            Optional<String> note;
            try (MppClient client = MppClient.create(s.db(), s.settings())) {
                note = client.retry(job);
            } catch (MppException e) {
                System.err.println("FAILED: " + e.getMessage());
                return Main.EXIT_FAILED;
            }
            boolean movedBack = note.filter(n -> n.startsWith("source moved back")).isPresent();
            note.filter(n -> !movedBack).ifPresent(n -> System.err.println("Note: " + n));
            System.out.println("Retrying " + describe(job) + (movedBack ? " (source moved back from quarantine)" : ""));
            return 0;
        });
    }

    private int withJob(String id, JobAction action) {
        return Session.run(main, s -> {
            Optional<JobView> job = s.jobs().find(id.strip());
            if (job.isEmpty()) {
                System.err.println("FAILED: no job " + id + " (give its number or UUID as mpp status shows them)");
                return Main.EXIT_FAILED;
            }
            if (job.get().uuid() == null) {
                System.err.println("FAILED: " + describe(job.get()) + " has no UUID yet; a running node gives it one within seconds, then try again");
                return Main.EXIT_FAILED;
            }
            return action.run(s, job.get());
        });
    }

    private static int done(boolean changed, String what, JobView job) {
        if (!changed) {
            System.err.println("FAILED: " + describe(job) + " no longer exists");
            return Main.EXIT_FAILED;
        }
        System.out.println(what + " " + describe(job));
        return 0;
    }

    static String describe(JobView job) {
        return "job " + job.id() + " (" + Names.printable(job.sourceName()) + ")";
    }

    /** The jobs as an aligned table (shared with mpp status). */
    static void table(List<JobView> jobs, java.io.PrintStream out) {
        if (jobs.isEmpty()) {
            out.println("No jobs.");
            return;
        }
        TextTable t = new TextTable("ID", "UUID", "SOURCE", "STATUS", "PROGRESS", "PRIORITY", "PAUSED", "FAILURE", "DELIVERED");
        for (JobView j : jobs) {
            t.row(j.id(), j.uuid(), j.sourceName(), j.statusName(), String.format(Locale.ROOT, "%.0f%%", percent(j)), j.priority(),
                    j.paused(), TextTable.abbreviate(j.failureReason(), 60), String.join(", ", deliveredNames(j)));
        }
        t.print(out);
    }

    static Json.Obj json(JobView j) {
        return Json.obj().with("id", j.id()).with("uuid", j.uuid() == null ? null : j.uuid().toString())
                .with("sourceName", j.sourceName()).with("status", j.status()).with("statusName", j.statusName())
                .with("progressPercent", Math.round(percent(j) * 10) / 10.0).with("priority", j.priority()).with("paused", j.paused())
                .with("failureReason", j.failureReason()).with("deliveredFiles", delivered(j))
                .with("dateAdded", j.dateAdded()).with("dateCompleted", j.dateCompleted());
    }

    /** The delivered files' paths (the column holds one per line). */
    private static List<String> delivered(JobView j) {
        return j.deliveredFiles() == null ? List.of() : j.deliveredFiles().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Just the names: the table stays readable, and --json has the full paths. */
    private static List<String> deliveredNames(JobView j) {
        return delivered(j).stream().map(p -> p.substring(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1)).toList();
    }

    private static double percent(JobView j) {
        return Math.max(0, Math.min(1, j.progress())) * 100;
    }
}
