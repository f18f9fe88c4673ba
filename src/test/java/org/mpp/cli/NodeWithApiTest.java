package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.NodeStore;

class NodeWithApiTest {
    @TempDir
    Path tmp;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aNodeWithTheApiEnabledServesItUntilItStops() throws Exception {
        CliFixture cli = new CliFixture(tmp);
        int port = freePort();
        cli.file("test.conf", "mpp.work.dir = \"" + cli.work().toString().replace('\\', '/') + "\"\nmpp.api.enabled = true\n"
                + "mpp.api.port = " + port + "\nmpp.node.heartbeat-seconds = 0.2\nmpp.node.lease-seconds = 2\n");
        CompletableFuture<CliFixture.Run> node = CompletableFuture.supplyAsync(() -> cli.run("node"));
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest live = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live")).build();

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> http.send(live, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        HttpResponse<String> jobs = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/jobs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(jobs.statusCode()).isEqualTo(401);

        cli.db(db -> new NodeStore(db).terminate(String.valueOf(new NodeStore(db).list().get(0).id())));
        CliFixture.Run r = node.get(60, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("API at http://127.0.0.1:" + port);
        assertThatThrownBy(() -> http.send(live, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }
}
