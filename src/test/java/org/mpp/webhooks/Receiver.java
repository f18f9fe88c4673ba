package org.mpp.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real webhook receiver on loopback (the JDK's HTTP server), for tests: records every request (path, query, headers,
 * exact body bytes) and the status it answered, which {@link #answer} sets. {@link #holdNext} makes the next request
 * wait until {@link #releaseHeld}.
 */
final class Receiver implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpServer server;
    private final AtomicInteger status = new AtomicInteger(200);
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<CountDownLatch> hold = new AtomicReference<>();
    /** Requests that reached the handler, including one still held. */
    final AtomicInteger arrived = new AtomicInteger();

    /** One request as received. */
    record Request(String path, String query, String eventId, String event, String signature, String contentType, byte[] body, int answered) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean ok() {
            return answered / 100 == 2;
        }
    }

    Receiver() throws IOException {
        this(0);
    }

    /** A receiver on {@code port} of loopback (0 = any free port). */
    Receiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "test-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            arrived.incrementAndGet();
            CountDownLatch held = hold.getAndSet(null);
            if (held != null) {
                try {
                    held.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int code = status.get();
            var h = ex.getRequestHeaders();
            requests.add(new Request(ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(), h.getFirst("X-MPP-Event-Id"),
                    h.getFirst("X-MPP-Event"), h.getFirst("X-MPP-Signature"), h.getFirst("Content-Type"), body, held != null ? -1 : code));
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        server.start();
    }

    URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    void answer(int code) {
        status.set(code);
    }

    /** The next request waits (its answer recorded as -1) until {@link #releaseHeld}. */
    CountDownLatch holdNext() {
        CountDownLatch l = new CountDownLatch(1);
        hold.set(l);
        return l;
    }

    List<Request> ok(String path) {
        return requests.stream().filter(r -> r.ok() && r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
