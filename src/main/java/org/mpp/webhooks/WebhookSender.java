package org.mpp.webhooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mpp.config.Settings;
import org.mpp.config.WebhookUrls;
import org.mpp.store.WebhookStore;
import org.mpp.store.WebhookStore.DeliveryClaim;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's webhook sender: one named daemon thread ({@code mpp-webhooks}) that creates the deliveries of new events,
 * claims due ones ({@link WebhookStore#claim}) and POSTs them, one at a time, with {@code Content-Type:
 * application/json}, {@code X-MPP-Event-Id}, {@code X-MPP-Event} and, when the destination has a secret,
 * {@code X-MPP-Signature} ({@link Signatures}). A 2xx answer is delivered; anything else, or no answer within the
 * request timeout, is retried after {@code backoffInitial}, doubling up to {@code backoffMax}, until retry-hours after
 * the delivery was queued. Its loop catches everything and carries on. Logs show URLs without user info or query, never
 * a secret. {@link #close} stops it within a moment: a request in flight is abandoned and its delivery given back.
 */
public final class WebhookSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final int BATCH = 10;
    private final WebhookStore store;
    private final UUID node;
    private final Settings.Webhooks settings;
    private final Map<String, Settings.Endpoint> endpoints = new HashMap<>();
    private final List<String> endpointKeys;
    private final Duration lease;
    /**
     * Made at the first delivery: on Java 17 an HttpClient cannot be closed, and its selector thread, blocked in native
     * code, made every JVM that had one wait 300 ms at exit (the JVM waits that long for threads in native), so each
     * cold mpp run paid it although it had nothing to send.
     */
    private HttpClient http;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile CompletableFuture<HttpResponse<Void>> inFlight;
    private Thread thread;

    /** A sender for {@code node}; {@link #start} runs it. */
    public WebhookSender(WebhookStore store, UUID node, Settings.Webhooks settings) {
        this.store = store;
        this.node = node;
        this.settings = settings;
        settings.endpoints().forEach(e -> endpoints.putIfAbsent(e.url().toString(), e));
        this.endpointKeys = endpoints.keySet().stream().map(u -> WebhookStore.destinationKey(WebhookStore.ENDPOINT, u)).toList();
        // A claim outlives the longest request by a margin, so that no other node takes over a delivery still being sent.
        this.lease = settings.requestTimeout().multipliedBy(2).plusSeconds(10);
    }

    /** Starts the sender's thread. */
    public synchronized WebhookSender start() {
        if (thread == null) {
            thread = new Thread(this::loop, "mpp-webhooks-" + node.toString().substring(0, 8));
            thread.setDaemon(true);
            thread.start();
        }
        return this;
    }

    private void loop() {
        while (!stopping) {
            int sent = 0;
            try {
                sent = runOnce();
            } catch (Throwable t) {
                log.warn("Webhook sender of node {}: {} (trying again in {} ms)", node, t.toString(), settings.poll().toMillis());
            }
            if (sent == 0) {
                try {
                    stop.await(settings.poll().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One round: fan out new events, claim and send what is due. Returns how many deliveries it attempted. */
    int runOnce() {
        store.fanOut(endpoints.keySet(), 100);
        List<DeliveryClaim> claims = store.claim(node, endpointKeys, BATCH, lease);
        for (DeliveryClaim c : claims) {
            if (stopping) {
                store.release(c);
                continue;
            }
            try {
                send(c);
            } catch (RuntimeException e) {
                // Given back rather than left to its lease: a bug or a database blip must not hold the job's later events.
                store.release(c);
                throw e;
            }
        }
        return claims.size();
    }

    private void send(DeliveryClaim c) {
        String where = WebhookUrls.forLog(c.destination());
        Optional<String> secret = secretFor(c);
        byte[] body = EventBody.of(c);
        String error;
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(c.destination())).timeout(settings.requestTimeout())
                    .header("Content-Type", "application/json").header("X-MPP-Event-Id", c.eventId()).header("X-MPP-Event", c.event())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            secret.ifPresent(s -> req.header(Signatures.HEADER, Signatures.sign(body, s)));
            Integer code = await(http().sendAsync(req.build(), HttpResponse.BodyHandlers.discarding()));
            if (code == null) {
                store.release(c);
                return;
            }
            if (code / 100 == 2) {
                if (!store.delivered(c)) {
                    log.info("Webhook {} {} reached {} after its claim was taken over (at least once)", c.event(), c.eventId(), where);
                }
                log.debug("Webhook {} {} delivered to {} (HTTP {})", c.event(), c.eventId(), where, code);
                return;
            }
            error = "HTTP " + code;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            error = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage().replace(c.destination(), where));
        } catch (IllegalArgumentException e) {
            error = "bad URL: " + e.getMessage().replace(c.destination(), where);
        }
        Duration wait = backoff(settings, c.attempt());
        WebhookStore.Retry r = store.failed(c, error, wait, settings.retryFor());
        if (r == WebhookStore.Retry.GAVE_UP) {
            log.warn("Webhook {} {} to {} failed for good after {} attempt(s): {}", c.event(), c.eventId(), where, c.attempt(), error);
        } else {
            log.info("Webhook {} {} to {} failed ({}); attempt {} in {} s", c.event(), c.eventId(), where, error, c.attempt() + 1, wait.toMillis() / 1000.0);
        }
    }

    /** The response's status code; null when the sender stopped while waiting (the request is cancelled). */
    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(settings.requestTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    private Integer await(CompletableFuture<HttpResponse<Void>> f) throws ExecutionException {
        inFlight = f;
        try {
            while (true) {
                if (stopping) {
                    f.cancel(true);
                    return null;
                }
                try {
                    return f.get(100, TimeUnit.MILLISECONDS).statusCode();
                } catch (TimeoutException e) {
                    // look at the stop flag again
                } catch (java.util.concurrent.CancellationException e) {
                    // close() cancelled it
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    f.cancel(true);
                    return null;
                }
            }
        } finally {
            inFlight = null;
        }
    }

    private Optional<String> secretFor(DeliveryClaim c) {
        if (WebhookStore.CALLBACK.equals(c.kind())) {
            return settings.callbackSecret();
        }
        Settings.Endpoint e = endpoints.get(c.destination());
        return e == null ? Optional.empty() : e.secret();
    }

    /** The wait after the {@code attempt}-th failed attempt: initial, doubled per further attempt, at most the cap. */
    static Duration backoff(Settings.Webhooks s, int attempt) {
        long factor = 1L << Math.min(Math.max(attempt - 1, 0), 30);
        Duration d = s.backoffInitial().multipliedBy(factor);
        return d.compareTo(s.backoffMax()) > 0 || d.isNegative() ? s.backoffMax() : d;
    }

    /** Stops the sender: no new claim, a request in flight is cancelled and its delivery given back. Idempotent. */
    @Override
    public void close() {
        stopping = true;
        stop.countDown();
        CompletableFuture<?> f = inFlight;
        if (f != null) {
            f.cancel(true);
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(settings.requestTimeout().plusSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
