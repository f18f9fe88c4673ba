package org.mpp.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.mpp.store.Claim;
import org.mpp.store.JobStore;
import org.mpp.store.Stage;
import org.mpp.store.TaskStore;

/** Makes job events through the store's own front doors (no media): a job started, failed, retried, started and failed again. */
final class OutboxEvents {
    private final JobStore jobs;
    private final TaskStore tasks;
    private final UUID node = UUID.randomUUID();

    OutboxEvents(JobStore jobs, TaskStore tasks) {
        this.jobs = jobs;
        this.tasks = tasks;
    }

    /** A job with four events: job.started, job.failed, job.started, job.failed (in that order). */
    UUID jobWithFourEvents(String name) {
        UUID job = jobs.submit(name, 0);
        for (int run = 1; run <= 2; run++) {
            Claim c = tasks.claim(Stage.INGEST, node, 1, Duration.ofSeconds(60)).get(0);
            if (!c.job().equals(job)) {
                throw new IllegalStateException("claimed another job's ingest");
            }
            tasks.completeIngest(c, "{}", List.of("{}"));
            jobs.fail(job, "broken on run " + run);
            if (run == 1) {
                jobs.retry(job);
            }
        }
        return job;
    }
}
