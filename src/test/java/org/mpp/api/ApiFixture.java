package org.mpp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.mpp.config.Settings;
import org.mpp.node.Node;
import org.mpp.store.ApiKeyStore;
import org.mpp.store.Database;

/**
 * An API server on loopback (port 0) over a real database in a temporary work folder, an API key for it, and a
 * java.net.http client. Optionally a real node in this JVM on the same database. Close it after each test.
 */
final class ApiFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final Path work;
    final Settings settings;
    final Database db;
    final Node node;
    final ApiServer server;
    final String key;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ApiFixture(Path dir, String extra, boolean withNode) {
        this.work = dir.resolve("work");
        this.settings = Settings.from(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.work.min-free-mb = 0
                mpp.api.port = 0
                mpp.media.segment-seconds = 1
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.poll-millis = 50
                mpp.ladder = [{ maxX = 320, maxY = 240, crf = 30, preset = ultrafast, profile = main, maxFramerate = 30, audioBitrate = 64 }]
                %s
                """.formatted(work.toString().replace('\\', '/'), extra)).withFallback(ConfigFactory.defaultReference()).resolve());
        if (withNode) {
            this.node = Node.builder(settings).build().start();
            this.db = node.database();
        } else {
            this.node = null;
            this.db = Database.open(settings.db(), settings.work().dir());
        }
        this.server = ApiServer.start(settings, db);
        this.key = new ApiKeyStore(db).create("test");
    }

    /** A server without a node. */
    static ApiFixture start(Path dir, String extraConfig) {
        return new ApiFixture(dir, extraConfig, false);
    }

    /** A server beside a running node. */
    static ApiFixture withNode(Path dir, String extraConfig) {
        return new ApiFixture(dir, extraConfig, true);
    }

    URI uri(String path) {
        return URI.create(server.url() + path);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    }

    HttpRequest.Builder authorised(String path) {
        return request(path).header("Authorization", "Bearer " + key);
    }

    HttpResponse<String> send(HttpRequest.Builder r) {
        return send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(r, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(authorised(path).GET());
    }

    HttpResponse<String> postJson(String path, String json) {
        return send(authorised(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> putJson(String path, String json) {
        return send(authorised(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }

    @Override
    public void close() {
        server.close();
        if (node != null) {
            node.close();
        } else {
            db.close();
        }
    }
}
