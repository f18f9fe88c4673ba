package org.mpp.api;

import io.javalin.http.Context;
import java.util.List;
import org.mpp.config.WebhookUrls;
import org.mpp.store.WebhookStore;

/** The webhook outbox, as {@code mpp events} shows and re-sends it: every event, and each destination's delivery state. */
final class EventHandlers {
    private static final int MAX_PAGE = 500;
    private final WebhookStore webhooks;

    EventHandlers(WebhookStore webhooks) {
        this.webhooks = webhooks;
    }

    /** One destination's state; the URL without its user info or query string, as the logs show it. */
    record DeliveryJson(String kind, String destination, String status, int attempts, String nextAttemptAt, String deliveredAt,
            String lastError) {
        static DeliveryJson of(WebhookStore.DeliveryView d) {
            return new DeliveryJson(d.kind(), WebhookUrls.forLog(d.destination()), d.statusName(), d.attempts(), JobJson.text(d.nextAttemptAt()),
                    JobJson.text(d.deliveredAt()), d.lastError());
        }
    }

    /** An event (newest first in lists); times on the database's UTC clock. */
    record EventJson(String id, String event, long jobId, String job, String createdAt, List<DeliveryJson> deliveries) {
        static EventJson of(WebhookStore.EventView e) {
            return new EventJson(e.id(), e.event(), e.jobId(), e.job() == null ? null : e.job().toString(), JobJson.text(e.createdAt()),
                    e.deliveries().stream().map(DeliveryJson::of).toList());
        }
    }

    /** {@code GET /api/v1/events?limit=N}: the newest events (50 by default, at most 500). */
    void list(Context ctx) {
        int limit = Math.min(MAX_PAGE, Math.max(0, Params.intParam(ctx, "limit", 50)));
        ctx.json(webhooks.recent(limit).stream().map(EventJson::of).toList());
    }

    /** {@code POST /api/v1/events/{id}/resend}: queues every delivery of the event again. */
    void resend(Context ctx) {
        String id = ctx.pathParam("id");
        if (!webhooks.resend(id)) {
            throw ApiException.notFound("no event " + id);
        }
        ctx.json(EventJson.of(webhooks.event(id).orElseThrow(() -> ApiException.notFound("no event " + id))));
    }
}
