package org.mpp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.testmedia.SyntheticMedia;
import org.mpp.webhooks.Signatures;

/**
 * An application that drives MPP over HTTP alone: it uploads with a callback URL, is told by a signed webhook when the job
 * is done, lists the events and has one sent again. A real node, a real receiver on loopback.
 */
class ApiWebhooksTest {
    private static final String SECRET = "callback-secret-for-the-test";

    @TempDir
    Path dir;
    ApiFixture api;
    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();

    record Received(String eventId, String event, String signature, byte[] body) {
    }

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private String startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestHeaders().getFirst("X-MPP-Event-Id"), exchange.getRequestHeaders().getFirst("X-MPP-Event"),
                    exchange.getRequestHeaders().getFirst(Signatures.HEADER), body));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @Test
    void anUploadWithACallbackIsToldItIsDoneWithASignedEventThatTheApiListsAndSendsAgain() throws IOException {
        String hook = startReceiver();
        api = ApiFixture.withNode(dir, "mpp.webhooks.callback-secret = \"" + SECRET + "\"\nmpp.webhooks.poll-millis = 50");
        Path clip = SyntheticMedia.builder().seconds(2).size(320, 240).audio(2, 48000).write(dir.resolve("clip.mp4"));

        HttpResponse<String> created = api.send(new Multipart().file("file", "clip.mp4", Files.readAllBytes(clip)).field("callbackUrl", hook)
                .post(api.authorised("/api/v1/jobs")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String uuid = ApiFixture.json(created).get("uuid").asText();

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> received.stream().anyMatch(r -> "job.completed".equals(r.event())));
        Received done = received.stream().filter(r -> "job.completed".equals(r.event())).findFirst().orElseThrow();
        assertThat(Signatures.matches(done.body(), SECRET, done.signature())).as("signature " + done.signature()).isTrue();
        JsonNode body = ApiFixture.JSON.readTree(done.body());
        assertThat(body.get("id").asText()).isEqualTo(done.eventId());
        assertThat(body.get("job").get("uuid").asText()).isEqualTo(uuid);
        assertThat(body.get("job").get("status").get("name").asText()).isEqualTo("complete");
        assertThat(ApiFixture.json(api.get("/api/v1/jobs/" + uuid)).get("status").get("name").asText()).isEqualTo("complete");

        await().atMost(Duration.ofSeconds(30)).until(() -> delivery(done.eventId()).get("status").asText().equals("delivered"));
        JsonNode delivery = delivery(done.eventId());
        assertThat(delivery.get("kind").asText()).isEqualTo("callback");
        assertThat(delivery.get("destination").asText()).isEqualTo(hook);

        HttpResponse<String> resent = api.send(api.authorised("/api/v1/events/" + done.eventId() + "/resend")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.stream().filter(r -> done.eventId().equals(r.eventId())).count() == 2);

        String metrics = api.send(api.request("/metrics").GET()).body();
        assertThat(metrics).containsPattern("mpp_webhook_deliveries\\{status=\"delivered\"} [1-9]");
        assertThat(metrics).contains("mpp_webhook_deliveries{status=\"failed\"} 0.0");
    }

    @Test
    void aBadCallbackUrlIsRefusedBeforeTheUploadIsWritten() throws IOException {
        api = ApiFixture.start(dir, "");
        HttpResponse<String> refused = api.send(api.authorised("/api/v1/jobs?name=clip.mp4&callbackUrl=ftp://example.com/x")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[1000])));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(ApiFixture.json(refused).get("detail").asText()).contains("callbackUrl");
        Path source = api.work.resolve("source");
        try (Stream<Path> files = Files.exists(source) ? Files.list(source) : Stream.empty()) {
            assertThat(files.toList()).as("files in the source folder").isEmpty();
        }
        assertThat(api.send(api.authorised("/api/v1/events/no-such-event/resend").POST(java.net.http.HttpRequest.BodyPublishers.noBody()))
                .statusCode()).isEqualTo(404);
        assertThat(ApiFixture.json(api.get("/api/v1/events"))).isEmpty();
    }

    private JsonNode delivery(String eventId) {
        for (JsonNode e : ApiFixture.json(api.get("/api/v1/events"))) {
            if (e.get("id").asText().equals(eventId) && e.get("deliveries").size() > 0) {
                return e.get("deliveries").get(0);
            }
        }
        return ApiFixture.JSON.createObjectNode().put("status", "none");
    }
}
