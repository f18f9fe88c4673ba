package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.ControlStore;
import org.mpp.testmedia.SyntheticMedia;

/** {@code mpp demo --api}: after its job it keeps serving the dashboard (not exiting) until the node is stopped. */
class DemoServesDashboardTest {
    private static final Pattern DONE = Pattern.compile("Done\\. The dashboard keeps serving at (http://127\\.0\\.0\\.1:[0-9]+/) until Ctrl\\+C");
    @TempDir
    Path tmp;

    @Test
    void theDashboardIsServedAfterTheJobUntilTheNodeStops() throws Exception {
        CliFixture cli = new CliFixture(tmp);
        cli.file("test.conf", "mpp.work.dir = \"" + cli.work().toString().replace('\\', '/') + "\"\nmpp.api.port = 0\n"
                + "mpp.media.segment-seconds = 1\nmpp.node.heartbeat-seconds = 0.2\nmpp.node.poll-millis = 50\n");
        Path clip = SyntheticMedia.builder().seconds(1).size(320, 240).write(tmp.resolve("a.mp4"));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> {
                try {
                    return RunCommand.runFiles(cli.settings(), List.of(clip), true, true);
                } catch (InterruptedException e) {
                    throw new CompletionException(e);
                }
            });
            Matcher m = DONE.matcher("");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!m.reset(captured.toString(StandardCharsets.UTF_8)).find() && System.nanoTime() < end && !demo.isDone()) {
                Thread.sleep(100);
            }
            String log = captured.toString(StandardCharsets.UTF_8);
            assertThat(m.reset(log).find()).as(log).isTrue();
            assertThat(log).contains("Dashboard at ").contains("mpp users add NAME");

            Thread.sleep(1000);
            assertThat(demo).isNotDone();
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1)))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>Jobs · MPP</title>");

            cli.db(db -> {
                new ControlStore(db).setPolicy("terminateAll", "1");
                return null;
            });
            assertThat(demo.get(60, TimeUnit.SECONDS)).isZero();
        } finally {
            System.setErr(err);
        }
    }
}
