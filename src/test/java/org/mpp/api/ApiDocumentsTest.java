package org.mpp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.javalin.http.HandlerType;

/** /metrics in Prometheus' text format, and an OpenAPI document that lists exactly the routes served. */
class ApiDocumentsTest {
    /** A sample line of the Prometheus text format: name, optional labels, a value, an optional timestamp. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)( -?[0-9]+)?");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");
    @TempDir
    Path dir;
    ApiFixture api;

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void metricsParseAsPrometheusTextAndNameTheClusterThePoolAndTheJvm() {
        api = ApiFixture.start(dir, "");
        api.send(api.authorised("/api/v1/jobs?name=a.mp4").POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")));

        HttpResponse<String> r = api.send(api.request("/metrics").GET());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        Set<String> names = new TreeSet<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("# EOF")) {
                continue;
            }
            assertThat(SAMPLE.matcher(line).matches() || COMMENT.matcher(line).matches()).as(line).isTrue();
            if (!line.startsWith("#")) {
                names.add(line.replaceAll("[{ ].*", ""));
            }
        }
        assertThat(names).contains("mpp_jobs", "mpp_tasks", "mpp_queue_depth", "hikaricp_connections_active", "jvm_memory_used_bytes",
                "process_cpu_usage", "jvm_threads_live_threads");
        assertThat(r.body()).contains("mpp_jobs{status=\"imported\"} 1.0").contains("mpp_tasks{stage=\"ingest\",status=\"ready\"} 1.0")
                .contains("mpp_queue_depth 1.0");
    }

    @Test
    void theOpenApiDocumentListsExactlyTheRoutesServed() throws Exception {
        api = ApiFixture.start(dir, "");
        HttpResponse<String> r = api.send(api.request("/api/v1/openapi.json").GET());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = ApiFixture.json(r);
        assertThat(doc.get("openapi").asText()).startsWith("3.");

        Set<String> documented = new TreeSet<>();
        for (Iterator<String> paths = doc.get("paths").fieldNames(); paths.hasNext(); ) {
            String path = paths.next();
            doc.get("paths").get(path).fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path));
        }
        Set<String> served = api.server.registered().stream().map(s -> s.replace('<', '{').replace('>', '}'))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> table = api.server.routes().stream().filter(x -> x.method() != HandlerType.BEFORE)
                .map(x -> x.method().name() + " " + x.openApiPath()).collect(Collectors.toCollection(TreeSet::new));

        assertThat(served).isEqualTo(table);
        assertThat(documented).isEqualTo(served);
    }
}
