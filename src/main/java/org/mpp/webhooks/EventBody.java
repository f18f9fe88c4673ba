package org.mpp.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import org.mpp.store.WebhookStore.DeliveryClaim;

/**
 * The JSON body of a webhook request: {@code {"id", "event", "createdAt", "job": {...}}}, createdAt in UTC (ISO-8601
 * with Z), job as it was when the event happened. The same event always gives the same bytes.
 */
final class EventBody {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventBody() {
    }

    static byte[] of(DeliveryClaim c) {
        try {
            ObjectNode body = MAPPER.createObjectNode();
            body.put("id", c.eventId());
            body.put("event", c.event());
            body.put("createdAt", c.createdAt().atOffset(ZoneOffset.UTC).toString());
            body.set("job", MAPPER.readTree(c.payload()));
            return MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event " + c.eventId() + " has a payload that is not JSON", e);
        }
    }
}
