package org.mpp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.Uuids;
import org.mpp.testmedia.SyntheticMedia;

/** A real node in this JVM transcodes what was uploaded over HTTP; the API serves what it wrote. */
class ApiEndToEndTest {
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
    void anUploadedClipIsTranscodedAndItsFilesDownloadByteForByte() throws IOException {
        api = ApiFixture.withNode(dir, "");
        Path clip = SyntheticMedia.builder().seconds(2).size(320, 240).audio(2, 48000).write(dir.resolve("clip.mp4"));

        HttpResponse<String> created = api.send(new Multipart().file("file", "clip.mp4", Files.readAllBytes(clip))
                .post(api.authorised("/api/v1/jobs")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = ApiFixture.json(created).get("uuid").asText();

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> ApiFixture.json(api.get("/api/v1/jobs/" + id)).get("status").get("code").asInt() >= 5);
        JsonNode job = ApiFixture.json(api.get("/api/v1/jobs/" + id));
        assertThat(job.get("status").get("name").asText()).as(job.toString()).isEqualTo("complete");
        assertThat(job.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(job.get("dateCompleted").isNull()).isFalse();

        JsonNode mp4 = null;
        for (JsonNode f : job.get("files")) {
            if (f.get("name").asText().endsWith(".mp4") && !f.get("name").asText().contains("/")) {
                mp4 = f;
            }
        }
        assertThat(mp4).as(job.toString()).isNotNull();
        assertThat(job.get("files").toString()).contains("master.m3u8").contains("manifest.mpd");
        Path written = api.work.resolve("export").resolve(Uuids.hex(UUID.fromString(id))).resolve(mp4.get("name").asText());
        byte[] expected = Files.readAllBytes(written);
        assertThat(mp4.get("size").asLong()).isEqualTo(expected.length);

        HttpResponse<byte[]> download = api.send(api.authorised(mp4.get("url").asText()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(download.body()).isEqualTo(expected);

        HttpResponse<byte[]> part = api.send(api.authorised(mp4.get("url").asText()).header("Range", "bytes=100-4195").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(expected, 100, 4196));

        HttpResponse<String> playlist = api.get("/api/v1/jobs/" + id + "/files/clip-stream/master.m3u8");
        assertThat(playlist.statusCode()).isEqualTo(200);
        assertThat(playlist.body()).startsWith("#EXTM3U");

        HttpResponse<String> metrics = api.send(api.request("/metrics").GET());
        assertThat(metrics.body()).contains("mpp_jobs{status=\"complete\"} 1.0");
        // The node's own work, recorded as it ran: each segment's encode time (a histogram), frames, claims by stage.
        assertThat(metrics.body()).containsPattern("(?m)^mpp_segment_encode_seconds_count [1-9]")
                .containsPattern("(?m)^mpp_segment_encode_seconds_bucket\\{le=\"[0-9.]+\"} ")
                .containsPattern("(?m)^mpp_frames_encoded_total [1-9]")
                .containsPattern("(?m)^mpp_claims_total\\{stage=\"export\"} [1-9]");
        assertThat(ApiFixture.json(api.get("/api/v1/nodes"))).hasSize(1);
    }
}
