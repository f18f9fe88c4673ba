package org.mpp.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.node.Node;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import org.mpp.store.TestDatabases;
import org.mpp.store.WebhookStore;
import org.mpp.testmedia.BadMedia;
import org.mpp.testmedia.SyntheticMedia;

/** Jobs run through real nodes post their events to a real receiver on loopback. */
class WebhookNodeTest {
    private static final String ENDPOINT_SECRET = "endpoint-secret";
    private static final String CALLBACK_SECRET = "callback-secret";
    @TempDir
    Path dir;
    Receiver receiver;
    Node node;
    Node second;
    TestDatabases.Fresh fresh;

    @AfterEach
    void tearDown() {
        for (Node n : new Node[] {node, second}) {
            if (n != null) {
                n.close();
            }
        }
        if (receiver != null) {
            receiver.close();
        }
        if (fresh != null) {
            fresh.close();
        }
    }

    Settings settings(String extra) {
        return Settings.from(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.media.segment-seconds = 1
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.poll-millis = 50
                mpp.webhooks {
                  endpoints = [{ url = "%s", secret = "%s" }]
                  callback-secret = "%s"
                  poll-millis = 50
                  backoff-initial-seconds = 0.05
                  backoff-max-seconds = 0.2
                }
                %s
                """.formatted(dir.resolve("work"), receiver.url("/hook"), ENDPOINT_SECRET, CALLBACK_SECRET, extra))
                .withFallback(ConfigFactory.defaultReference()).resolve());
    }

    @Test
    void aJobRunThroughANodeIsPostedAsStartedThenCompletedSignedAndWithTheEventIdInTheHeader() throws Exception {
        receiver = new Receiver();
        Settings s = settings("");
        node = Node.builder(s).build();
        MppClient client = MppClient.create(node.database(), s);
        Path clip = SyntheticMedia.builder().seconds(2).write(dir.resolve("a.mp4"));
        UUID job = client.submit(clip, 0, receiver.url("/cb?token=abc"));
        node.start();

        await().atMost(Duration.ofSeconds(90)).until(() -> client.job(job).orElseThrow().finished());
        JobView done = client.job(job).orElseThrow();
        assertThat(done.status()).isEqualTo(Status.COMPLETE);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.ok("/hook").size() == 2 && receiver.ok("/cb").size() == 2);

        for (String path : List.of("/hook", "/cb")) {
            List<Receiver.Request> got = receiver.ok(path);
            assertThat(got).extracting(Receiver.Request::event).containsExactly("job.started", "job.completed");
            String secret = path.equals("/hook") ? ENDPOINT_SECRET : CALLBACK_SECRET;
            for (Receiver.Request r : got) {
                assertThat(Signatures.matches(r.body(), secret, r.signature())).as("%s signed with its secret", path).isTrue();
                assertThat(Signatures.matches(r.body(), "another secret", r.signature())).isFalse();
                assertThat(r.json().get("id").asText()).isEqualTo(r.eventId());
                assertThat(r.json().get("job").get("uuid").asText()).isEqualTo(job.toString());
            }
            var completed = got.get(1).json();
            assertThat(completed.get("createdAt").asText()).endsWith("Z");
            assertThat(completed.get("job").get("status").get("code").asInt()).isEqualTo(Status.COMPLETE);
            assertThat(completed.get("job").get("status").get("name").asText()).isEqualTo("complete");
            assertThat(completed.get("job").get("dateCompleted").isTextual()).isTrue();
            assertThat(completed.get("job").get("files").size()).isGreaterThan(0);
            assertThat(completed.get("job").get("files").get(0).get("name").asText()).endsWith(".mp4");
        }
        assertThat(receiver.ok("/cb").get(0).query()).as("the callback's own query string is kept").isEqualTo("token=abc");
        assertThat(receiver.ok("/hook").get(1).eventId()).as("one event, the same id to every destination")
                .isEqualTo(receiver.ok("/cb").get(1).eventId());
    }

    @Test
    void aCorruptSourceEndsInJobFailedPostedToTheEndpoint() throws Exception {
        receiver = new Receiver();
        Settings s = settings("");
        node = Node.builder(s).build();
        MppClient client = MppClient.create(node.database(), s);
        UUID job = client.submit(BadMedia.randomBytes(dir.resolve("bad.mp4"), 20_000), 0);
        node.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> client.job(job).orElseThrow().finished());
        assertThat(client.job(job).orElseThrow().status()).isEqualTo(Status.FAILED);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.ok("/hook").stream().anyMatch(r -> r.event().equals("job.failed")));
        Receiver.Request failed = receiver.ok("/hook").stream().filter(r -> r.event().equals("job.failed")).findFirst().orElseThrow();
        assertThat(failed.json().get("job").get("status").get("code").asInt()).isEqualTo(Status.FAILED);
        assertThat(failed.json().get("job").get("failureReason").asText()).isNotBlank();
        assertThat(Signatures.matches(failed.body(), ENDPOINT_SECRET, failed.signature())).isTrue();
        assertThat(receiver.ok("/hook")).extracting(Receiver.Request::event).doesNotContain("job.completed");
    }

    @Test
    void eventsPendingWhenANodeClosesAreDeliveredByANodeStartedLaterOnTheSameDatabase() throws Exception {
        receiver = new Receiver();
        fresh = TestDatabases.h2();
        Database db = fresh.open();
        Settings s = settings("mpp.node.roles { ingest = 0, transcode = 0, export = 0 }");
        JobStore jobs = new JobStore(db);
        UUID a = jobs.submit("a.mp4", 0);
        UUID b = jobs.submit("b.mp4", 0);
        jobs.fail(a, "first");
        jobs.fail(b, "second");
        CountDownLatch held = receiver.holdNext();

        node = Node.builder(s).dataSource(db.dataSource()).build().start();
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.arrived.get() == 1);
        long t0 = System.nanoTime();
        node.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the sender stops at once, request in flight or not")
                .isLessThan(Duration.ofSeconds(5));
        held.countDown();
        assertThat(receiver.ok("/hook")).as("nothing was delivered by the closed node").isEmpty();

        second = Node.builder(s).dataSource(db.dataSource()).build().start();
        WebhookStore store = new WebhookStore(db);
        List<String> ids = store.recent(10).stream().map(WebhookStore.EventView::id).toList();
        assertThat(ids).hasSize(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.ok("/hook").size() >= 2);
        assertThat(receiver.ok("/hook")).extracting(Receiver.Request::eventId).containsExactlyInAnyOrderElementsOf(ids);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.recent(10).stream()
                .allMatch(e -> e.deliveries().size() == 1 && e.deliveries().get(0).status() == WebhookStore.DELIVERED));
    }
}
