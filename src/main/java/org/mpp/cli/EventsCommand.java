package org.mpp.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.mpp.config.WebhookUrls;
import org.mpp.store.WebhookStore;
import org.mpp.store.WebhookStore.EventView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpp events}: lists webhook events with each destination's state; {@code mpp events resend ID} queues one again. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"List webhook events (newest first) with each destination's delivery state, or send one again.",
                "Destinations show without user info or query string. States: waiting, retrying, sending, delivered, failed."})
final class EventsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print the events as JSON.")
    boolean json;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "Show at most N events (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        return Session.run(main, s -> {
            List<EventView> events = new WebhookStore(s.db()).recent(Math.max(limit, 0));
            if (json) {
                Json.print(events.stream().map(EventsCommand::json).toList());
            } else if (events.isEmpty()) {
                System.out.println("No events.");
            } else {
                TextTable t = new TextTable("EVENT ID", "EVENT", "JOB", "CREATED (UTC)", "DESTINATION", "STATE", "ATTEMPTS", "LAST ERROR");
                for (EventView e : events) {
                    if (e.deliveries().isEmpty()) {
                        t.row(e.id(), e.event(), e.jobId(), e.createdAt(), "-", "not fanned out yet", 0, null);
                    }
                    for (WebhookStore.DeliveryView d : e.deliveries()) {
                        t.row(e.id(), e.event(), e.jobId(), e.createdAt(), d.kind() + " " + WebhookUrls.forLog(d.destination()), d.statusName(),
                                d.attempts(), TextTable.abbreviate(d.lastError(), 60));
                    }
                }
                t.print(System.out);
            }
            return 0;
        });
    }

    @Command(name = "resend", mixinStandardHelpOptions = true,
            description = "Queue an event again for every destination (a delivery being sent right now is left alone).")
    int resend(@Parameters(paramLabel = "ID", description = "The event id, as mpp events shows it.") String id) {
        return Session.run(main, s -> {
            if (!new WebhookStore(s.db()).resend(id.strip())) {
                System.err.println("FAILED: no event " + org.mpp.Names.printable(id) + " (see mpp events)");
                return Main.EXIT_FAILED;
            }
            System.out.println("Queued event " + id.strip() + " again");
            return 0;
        });
    }

    private static Json.Obj json(EventView e) {
        return Json.obj().with("id", e.id()).with("event", e.event()).with("jobId", e.jobId())
                .with("jobUuid", e.job() == null ? null : e.job().toString()).with("createdAt", e.createdAt())
                .with("deliveries", e.deliveries().stream().map(d -> Json.obj().with("kind", d.kind())
                        .with("destination", WebhookUrls.forLog(d.destination())).with("state", d.statusName()).with("attempts", d.attempts())
                        .with("nextAttemptAt", d.nextAttemptAt()).with("deliveredAt", d.deliveredAt()).with("lastError", d.lastError())).toList());
    }
}
