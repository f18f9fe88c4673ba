package org.mpp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.NodeStore;

/** Nodes, policies and outputs over HTTP, validated as the CLI validates them. */
class ApiAdminTest {
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
    void aNodeIsListedDeauthorisedAuthorisedAndAskedToTerminate() {
        api = ApiFixture.start(dir, "");
        UUID node = UUID.randomUUID();
        new NodeStore(api.db).register(node, "box", "ingest=1,transcode=2,export=1", "test");
        JsonNode nodes = ApiFixture.json(api.get("/api/v1/nodes"));
        assertThat(nodes).hasSize(1);
        assertThat(nodes.get(0).get("uuid").asText()).isEqualTo(node.toString());
        long id = nodes.get(0).get("id").asLong();

        assertThat(ApiFixture.json(api.postJson("/api/v1/nodes/" + id + "/deauthorise", "")).get("authorised").asBoolean()).isFalse();
        assertThat(ApiFixture.json(api.postJson("/api/v1/nodes/" + node + "/authorise", "")).get("authorised").asBoolean()).isTrue();
        assertThat(ApiFixture.json(api.postJson("/api/v1/nodes/" + id + "/terminate", "")).get("terminate").asBoolean()).isTrue();
        assertThat(api.postJson("/api/v1/nodes/999/terminate", "").statusCode()).isEqualTo(404);
    }

    @Test
    void policiesAreReadAndSetAndABadValueChangesNothing() {
        api = ApiFixture.start(dir, "");
        assertThat(ApiFixture.json(api.get("/api/v1/policies")).get("failureTolerance").asText()).isNotBlank();

        HttpResponse<String> ok = api.putJson("/api/v1/policies", "{\"failureTolerance\": 7, \"verifyDuringIngest\": false}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ApiFixture.json(ok).get("failureTolerance").asText()).isEqualTo("7");
        assertThat(ApiFixture.json(ok).get("verifyDuringIngest").asText()).isEqualTo("0");

        assertThat(api.putJson("/api/v1/policies", "{\"failureTolerance\": \"many\"}").statusCode()).isEqualTo(400);
        assertThat(api.putJson("/api/v1/policies", "{\"failureTolerance\": 3, \"noSuchPolicy\": 1}").statusCode()).isEqualTo(400);
        assertThat(ApiFixture.json(api.get("/api/v1/policies")).get("failureTolerance").asText()).isEqualTo("7");
    }

    @Test
    void outputsAreAddedAndChangedWithTheCliValidation() {
        api = ApiFixture.start(dir, "");
        int before = ApiFixture.json(api.get("/api/v1/outputs")).size();

        HttpResponse<String> added = api.postJson("/api/v1/outputs", """
                {"maxX": 640, "maxY": 360, "crf": 26, "preset": "veryfast", "profile": "high", "maxFramerate": 30, "audioBitrate": 96}""");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        long id = ApiFixture.json(added).get("id").asLong();
        assertThat(ApiFixture.json(api.get("/api/v1/outputs"))).hasSize(before + 1);

        HttpResponse<String> badCrf = api.postJson("/api/v1/outputs", """
                {"maxX": 640, "maxY": 360, "crf": 99, "preset": "veryfast", "profile": "high", "maxFramerate": 30, "audioBitrate": 96}""");
        assertThat(badCrf.statusCode()).isEqualTo(400);
        assertThat(api.postJson("/api/v1/outputs", "{\"maxX\": 640}").statusCode()).isEqualTo(400);

        HttpResponse<String> changed = api.putJson("/api/v1/outputs/" + id, "{\"crf\": 20, \"active\": false}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(ApiFixture.json(changed).get("crf").asInt()).isEqualTo(20);
        assertThat(ApiFixture.json(changed).get("maxX").asInt()).isEqualTo(640);
        assertThat(ApiFixture.json(changed).get("active").asBoolean()).isFalse();
        assertThat(api.putJson("/api/v1/outputs/" + id, "{\"preset\": \"warp\"}").statusCode()).isEqualTo(400);
        assertThat(api.putJson("/api/v1/outputs/99999", "{\"crf\": 20}").statusCode()).isEqualTo(404);
    }
}
