package org.mpp.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mpp.config.Settings;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.TaskStore;
import org.mpp.store.TestDatabases;
import org.mpp.store.WebhookStore;

/** Senders against a real database and a real HTTP receiver on loopback: retries, order per job, once per id, give-up, resend. */
class WebhookSenderTest {
    private static final String SECRET = "endpoint-secret";
    private TestDatabases.Fresh fresh;
    private Receiver receiver;
    private final List<WebhookSender> senders = new ArrayList<>();

    @AfterEach
    void tearDown() {
        senders.forEach(WebhookSender::close);
        if (receiver != null) {
            receiver.close();
        }
        if (fresh != null) {
            fresh.close();
        }
    }

    private Settings.Webhooks fast(Duration retryFor) {
        return fast(retryFor, receiver.url("/hook"));
    }

    private static Settings.Webhooks fast(Duration retryFor, java.net.URI endpoint) {
        return Settings.Webhooks.none().withEndpoints(List.of(new Settings.Endpoint(endpoint, Optional.of(SECRET))))
                .withTimings(retryFor, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(50));
    }

    private WebhookSender sender(Database db, Settings.Webhooks w) {
        WebhookSender s = new WebhookSender(new WebhookStore(db), UUID.randomUUID(), w);
        senders.add(s);
        return s.start();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aReceiverThatAnswers500ForAWhileGetsEveryEventAfterwardsOncePerIdInOrderPerJob(TestDatabases.Kind kind) throws Exception {
        fresh = TestDatabases.fresh(kind);
        Database db = fresh.open();
        receiver = new Receiver();
        receiver.answer(500);
        OutboxEvents events = new OutboxEvents(new JobStore(db), new TaskStore(db));
        List<UUID> jobs = List.of(events.jobWithFourEvents("a.mp4"), events.jobWithFourEvents("b.mp4"), events.jobWithFourEvents("c.mp4"));
        WebhookStore store = new WebhookStore(db);
        Map<UUID, List<String>> idsInOrder = new HashMap<>();
        store.recent(100).stream().sorted(Comparator.comparingLong(WebhookStore.EventView::seq))
                .forEach(e -> idsInOrder.computeIfAbsent(e.job(), k -> new ArrayList<>()).add(e.id()));
        assertThat(idsInOrder.keySet()).containsExactlyInAnyOrderElementsOf(jobs);
        assertThat(idsInOrder.values()).allSatisfy(ids -> assertThat(ids).hasSize(4));

        // Two nodes' senders on one database: each delivery is claimed by one of them.
        Settings.Webhooks w = fast(Duration.ofHours(1));
        sender(db, w);
        sender(fresh.openAnother(4), w);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests.size() >= 9);
        receiver.answer(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.ok("/hook").size() >= 12);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> receiver.ok("/hook").size() == 12);

        List<Receiver.Request> ok = receiver.ok("/hook");
        assertThat(ok.stream().map(Receiver.Request::eventId).distinct()).as("each event once").hasSize(12);
        for (Receiver.Request r : receiver.requests) {
            assertThat(r.json().get("id").asText()).isEqualTo(r.eventId());
            assertThat(r.json().get("event").asText()).isEqualTo(r.event());
            assertThat(r.contentType()).isEqualTo("application/json");
            assertThat(Signatures.matches(r.body(), SECRET, r.signature())).as("signed with the endpoint's secret").isTrue();
        }
        Set<String> heads = new HashSet<>();
        idsInOrder.values().forEach(ids -> heads.add(ids.get(0)));
        assertThat(receiver.requests.stream().filter(r -> !r.ok()).map(Receiver.Request::eventId))
                .as("while the receiver failed, only each job's first event was tried").isNotEmpty().allMatch(heads::contains);
        for (UUID job : jobs) {
            List<String> received = ok.stream().filter(r -> r.json().get("job").get("uuid").asText().equals(job.toString()))
                    .map(Receiver.Request::eventId).toList();
            assertThat(received).as("job %s's events in order", job).containsExactlyElementsOf(idsInOrder.get(job));
        }
        assertThat(store.recent(100)).allSatisfy(e -> assertThat(e.deliveries()).singleElement()
                .satisfies(d -> assertThat(d.status()).isEqualTo(WebhookStore.DELIVERED)));
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aDeliveryStillFailingAfterRetryHoursIsKeptAsFailedAndResendQueuesItAgain(TestDatabases.Kind kind) throws Exception {
        fresh = TestDatabases.fresh(kind);
        Database db = fresh.open();
        receiver = new Receiver();
        receiver.answer(503);
        JobStore jobs = new JobStore(db);
        UUID job = jobs.submit("a.mp4", 0);
        jobs.fail(job, "unreadable");
        WebhookStore store = new WebhookStore(db);
        String id = store.recent(10).get(0).id();
        sender(db, fast(Duration.ofMillis(300)));

        await().atMost(Duration.ofSeconds(30)).until(() -> store.event(id).orElseThrow().deliveries().stream()
                .anyMatch(d -> d.status() == WebhookStore.FAILED));
        int tried = receiver.requests.size();
        assertThat(tried).isGreaterThan(1);
        assertThat(store.event(id).orElseThrow().deliveries().get(0).lastError()).isEqualTo("HTTP 503");
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests.size() == tried);

        receiver.answer(204);
        assertThat(store.resend(id)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.ok("/hook").size() == 1);
        assertThat(receiver.ok("/hook").get(0).eventId()).isEqualTo(id);
        assertThat(receiver.ok("/hook").get(0).json().get("job").get("failureReason").asText()).isEqualTo("unreadable");
        await().atMost(Duration.ofSeconds(10)).until(() -> store.event(id).orElseThrow().deliveries().get(0).status() == WebhookStore.DELIVERED);
        assertThat(store.resend("no-such-event")).isFalse();
    }

    @org.junit.jupiter.api.Test
    void aReceiverThatIsDownGetsTheEventOnceItComesUp() throws Exception {
        fresh = TestDatabases.h2();
        Database db = fresh.open();
        Receiver first = new Receiver();
        java.net.URI url = first.url("/hook");
        first.close();
        JobStore jobs = new JobStore(db);
        UUID job = jobs.submit("a.mp4", 0);
        jobs.fail(job, "unreadable");
        WebhookStore store = new WebhookStore(db);
        String id = store.recent(10).get(0).id();
        sender(db, fast(Duration.ofHours(1), url));

        await().atMost(Duration.ofSeconds(30)).until(() -> store.event(id).orElseThrow().deliveries().stream()
                .anyMatch(d -> d.attempts() >= 2 && d.lastError() != null));
        assertThat(store.event(id).orElseThrow().deliveries().get(0).lastError()).contains("Connect");

        receiver = new Receiver(url.getPort());
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.ok("/hook").size() == 1);
        assertThat(receiver.ok("/hook").get(0).eventId()).isEqualTo(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.event(id).orElseThrow().deliveries().get(0).status() == WebhookStore.DELIVERED);
    }

    @org.junit.jupiter.api.Test
    void aCallbackWithoutACallbackSecretIsSentUnsignedAndAnEndpointWithoutASecretToo() throws Exception {
        fresh = TestDatabases.h2();
        Database db = fresh.open();
        receiver = new Receiver();
        JobStore jobs = new JobStore(db);
        UUID job = jobs.submit("a.mp4", 0, receiver.url("/cb?token=t").toString());
        jobs.fail(job, "unreadable");
        Settings.Webhooks w = Settings.Webhooks.none().withEndpoints(List.of(new Settings.Endpoint(receiver.url("/plain"), Optional.empty())))
                .withTimings(Duration.ofHours(1), Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(50));
        sender(db, w);

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.ok("/cb").size() == 1 && receiver.ok("/plain").size() == 1);
        assertThat(receiver.requests).allSatisfy(r -> assertThat(r.signature()).isNull());
        assertThat(receiver.ok("/cb").get(0).query()).isEqualTo("token=t");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aDeliveryClaimedByANodeKilledMidSendIsSentByAnotherOnceItsLeaseRunsOut(TestDatabases.Kind kind) throws Exception {
        fresh = TestDatabases.fresh(kind);
        Database db = fresh.open();
        receiver = new Receiver();
        JobStore jobs = new JobStore(db);
        UUID job = jobs.submit("a.mp4", 0);
        jobs.fail(job, "unreadable");
        WebhookStore store = new WebhookStore(db);
        String id = store.recent(10).get(0).id();
        java.net.URI endpoint = receiver.url("/hook");
        // A node fans the event out, claims its delivery and dies before it sends (kill -9: no give-back, no completion).
        assertThat(store.fanOut(List.of(endpoint.toString()), 10)).isEqualTo(1);
        UUID killed = UUID.randomUUID();
        assertThat(store.claim(killed, List.of(WebhookStore.destinationKey(WebhookStore.ENDPOINT, endpoint.toString())), 10,
                Duration.ofMillis(800))).hasSize(1);
        assertThat(store.event(id).orElseThrow().deliveries().get(0).status()).isEqualTo(WebhookStore.SENDING);

        sender(fresh.openAnother(4), fast(Duration.ofHours(1), endpoint));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.ok("/hook").size() == 1);
        assertThat(receiver.ok("/hook").get(0).eventId()).isEqualTo(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.event(id).orElseThrow().deliveries().get(0).status() == WebhookStore.DELIVERED);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests.size() == 1);
    }
}
