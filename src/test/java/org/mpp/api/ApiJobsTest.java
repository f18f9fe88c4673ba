package org.mpp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.Uuids;

/** Submitting, steering and downloading jobs over HTTP, without a node (the export folder is written by the test). */
class ApiJobsTest {
    @TempDir
    Path dir;
    ApiFixture api;

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
    }

    private JsonNode rawUpload(String name, byte[] content) {
        HttpResponse<String> r = api.send(api.authorised("/api/v1/jobs?name=" + name + "&priority=3")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ApiFixture.json(r);
    }

    private static Stream<Path> filesUnder(Path p) throws IOException {
        return Files.exists(p) ? Files.walk(p).filter(Files::isRegularFile) : Stream.empty();
    }

    @Test
    void aRawUploadBecomesAJobUnderASafeName() throws IOException {
        api = ApiFixture.start(dir, "");
        byte[] content = "not really a video".getBytes();

        JsonNode job = rawUpload("..%2F..%2Fevil.mp4", content);

        assertThat(job.get("sourceName").asText()).isEqualTo("evil.mp4");
        assertThat(job.get("status").get("code").asInt()).isZero();
        assertThat(job.get("status").get("name").asText()).isEqualTo("imported");
        assertThat(job.get("priority").asInt()).isEqualTo(3);
        assertThat(job.get("etaSeconds").isNull()).isTrue();
        assertThat(api.work.resolve("source/evil.mp4")).hasBinaryContent(content);
        assertThat(dir.resolve("evil.mp4")).doesNotExist();
        HttpResponse<String> byId = api.get("/api/v1/jobs/" + job.get("id").asLong());
        assertThat(ApiFixture.json(byId).get("uuid").asText()).isEqualTo(job.get("uuid").asText());
        assertThat(ApiFixture.json(api.get("/api/v1/jobs/" + job.get("uuid").asText())).get("id").asLong()).isEqualTo(job.get("id").asLong());
    }

    @Test
    void aMultipartUploadBecomesAJobAndTheSpoolIsLeftEmpty() throws IOException {
        api = ApiFixture.start(dir, "");
        byte[] content = new byte[200_000];
        Arrays.fill(content, (byte) 7);

        HttpResponse<String> r = api.send(new Multipart().field("priority", "5").file("file", "talk.mov", content)
                .post(api.authorised("/api/v1/jobs")));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(ApiFixture.json(r).get("sourceName").asText()).isEqualTo("talk.mov");
        assertThat(ApiFixture.json(r).get("priority").asInt()).isEqualTo(5);
        assertThat(api.work.resolve("source/talk.mov")).hasBinaryContent(content);
        assertThat(filesUnder(api.work.resolve("upload-spool"))).isEmpty();
    }

    @Test
    void anOversizedUploadGets413AndLeavesNoFile() throws IOException {
        api = ApiFixture.start(dir, "mpp.api.max-upload-mb = 1");
        byte[] big = new byte[3 * 1024 * 1024];

        HttpResponse<String> raw = api.send(api.authorised("/api/v1/jobs?name=big.mp4").POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertThat(raw.statusCode()).isEqualTo(413);
        assertThat(ApiFixture.json(raw).get("error").asText()).isEqualTo("too_large");

        // Without a Content-Length (chunked), the cap is found while reading.
        HttpResponse<String> chunked = api.send(api.authorised("/api/v1/jobs?name=big.mp4")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))));
        assertThat(chunked.statusCode()).isEqualTo(413);

        HttpResponse<String> multipart = api.send(new Multipart().file("file", "big.mp4", big).post(api.authorised("/api/v1/jobs")));
        assertThat(multipart.statusCode()).isEqualTo(413);

        assertThat(filesUnder(api.work.resolve("source"))).isEmpty();
        assertThat(filesUnder(api.work.resolve("upload-spool"))).isEmpty();
        assertThat(ApiFixture.json(api.get("/api/v1/jobs"))).isEmpty();
    }

    @Test
    void aFileAlreadyInTheSourceFolderIsQueuedByName() throws IOException {
        api = ApiFixture.start(dir, "");
        Files.createDirectories(api.work.resolve("source"));
        Files.writeString(api.work.resolve("source/ready.mp4"), "x");

        HttpResponse<String> r = api.postJson("/api/v1/jobs", "{\"sourceName\": \"ready.mp4\", \"priority\": 2}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(ApiFixture.json(r).get("priority").asInt()).isEqualTo(2);
        assertThat(api.postJson("/api/v1/jobs", "{\"sourceName\": \"../outside.mp4\"}").statusCode()).isEqualTo(404);
        assertThat(api.postJson("/api/v1/jobs", "{\"sourceName\": \"missing.mp4\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void jobsAreListedByStatusAndPageAndSteeredOneByOne() {
        api = ApiFixture.start(dir, "");
        JsonNode a = rawUpload("a.mp4", new byte[] {1});
        JsonNode b = rawUpload("b.mp4", new byte[] {2});
        String id = a.get("uuid").asText();

        assertThat(ApiFixture.json(api.get("/api/v1/jobs?limit=1"))).hasSize(1);
        assertThat(ApiFixture.json(api.get("/api/v1/jobs?limit=1")).get(0).get("id").asLong()).isEqualTo(b.get("id").asLong());
        assertThat(ApiFixture.json(api.get("/api/v1/jobs?limit=1&offset=1")).get(0).get("id").asLong()).isEqualTo(a.get("id").asLong());
        assertThat(ApiFixture.json(api.get("/api/v1/jobs?status=imported"))).hasSize(2);
        assertThat(ApiFixture.json(api.get("/api/v1/jobs?status=5"))).isEmpty();
        assertThat(api.get("/api/v1/jobs?status=sleeping").statusCode()).isEqualTo(400);

        assertThat(ApiFixture.json(api.postJson("/api/v1/jobs/" + id + "/pause", "")).get("paused").asBoolean()).isTrue();
        assertThat(ApiFixture.json(api.postJson("/api/v1/jobs/" + id + "/resume", "")).get("paused").asBoolean()).isFalse();
        assertThat(ApiFixture.json(api.putJson("/api/v1/jobs/" + id + "/priority", "{\"priority\": 9}")).get("priority").asInt()).isEqualTo(9);
        HttpResponse<String> retry = api.postJson("/api/v1/jobs/" + id + "/retry", "");
        assertThat(retry.statusCode()).isEqualTo(409);
        assertThat(ApiFixture.json(retry).get("detail").asText()).contains("not failed");

        assertThat(api.send(api.authorised("/api/v1/jobs/" + id).DELETE()).statusCode()).isEqualTo(204);
        assertThat(api.get("/api/v1/jobs/" + id).statusCode()).isEqualTo(404);
        assertThat(api.get("/api/v1/jobs/nonsense").statusCode()).isEqualTo(404);
        assertThat(ApiFixture.json(api.get("/api/v1/jobs/nonsense")).get("error").asText()).isEqualTo("not_found");
    }

    /** A job with files written straight into its export folder, as a node's export leaves them. */
    private Path exportFolderOfANewJob(String[] id) throws IOException {
        JsonNode job = rawUpload("clip.mp4", new byte[] {1});
        id[0] = job.get("uuid").asText();
        Path out = api.work.resolve("export").resolve(Uuids.hex(UUID.fromString(id[0])));
        Files.createDirectories(out.resolve("clip-stream"));
        return out;
    }

    @Test
    void aRangeRequestGets206AndExactlyTheBytesAsked() throws IOException {
        api = ApiFixture.start(dir, "");
        String[] id = new String[1];
        Path out = exportFolderOfANewJob(id);
        byte[] content = new byte[100_000];
        new java.util.Random(1).nextBytes(content);
        Files.write(out.resolve("clip240p30.mp4"), content);

        HttpResponse<byte[]> whole = api.send(api.authorised("/api/v1/jobs/" + id[0] + "/files/clip240p30.mp4").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(content);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");

        HttpResponse<byte[]> part = api.send(api.authorised("/api/v1/jobs/" + id[0] + "/files/clip240p30.mp4")
                .header("Range", "bytes=1000-1999").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/100000");
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(content, 1000, 2000));

        HttpResponse<byte[]> tail = api.send(api.authorised("/api/v1/jobs/" + id[0] + "/files/clip240p30.mp4")
                .header("Range", "bytes=-10").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(content, content.length - 10, content.length));
        HttpResponse<byte[]> beyond = api.send(api.authorised("/api/v1/jobs/" + id[0] + "/files/clip240p30.mp4")
                .header("Range", "bytes=100000-").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */100000");
    }

    @Test
    void streamPackageFilesHaveTheContentTypesPlayersExpect() throws IOException {
        api = ApiFixture.start(dir, "");
        String[] id = new String[1];
        Path out = exportFolderOfANewJob(id);
        String[][] expected = {{"master.m3u8", "application/vnd.apple.mpegurl"}, {"manifest.mpd", "application/dash+xml"},
                {"video-240p/segment-00001.m4s", "video/iso.segment"}, {"video-240p/init.mp4", "video/mp4"},
                {"poster.jpg", "image/jpeg"}, {"thumbnails.vtt", "text/vtt"}};
        for (String[] e : expected) {
            Path f = out.resolve("clip-stream").resolve(e[0]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, e[0]);
            HttpResponse<String> r = api.get("/api/v1/jobs/" + id[0] + "/files/clip-stream/" + e[0]);
            assertThat(r.statusCode()).as(e[0]).isEqualTo(200);
            assertThat(r.body()).isEqualTo(e[0]);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).as(e[0]).startsWith(e[1]);
        }
    }

    @Test
    void nothingOutsideTheJobsExportFolderCanBeReached() throws IOException {
        api = ApiFixture.start(dir, "");
        String[] id = new String[1];
        Path out = exportFolderOfANewJob(id);
        Files.writeString(out.resolve("ok.mp4"), "inside");
        Path secret = Files.writeString(api.work.resolve("secret.txt"), "SECRET");
        Files.writeString(api.work.resolve("export/secret.txt"), "SECRET");
        Files.createSymbolicLink(out.resolve("link.mp4"), secret);
        Files.createSymbolicLink(out.resolve("clip-stream/up"), api.work);
        String base = "/api/v1/jobs/" + id[0] + "/files/";
        assertThat(api.get(base + "ok.mp4").body()).isEqualTo("inside");

        for (String path : new String[] {"../secret.txt", "..%2Fsecret.txt", "%2e%2e/secret.txt", "%2e%2e%2fsecret.txt",
                "clip-stream/../../secret.txt", "%2Fetc%2Fpasswd", "/etc/passwd", "link.mp4", "clip-stream/up/secret.txt",
                "..%5C..%5Csecret.txt", "%00ok.mp4", ".", "clip-stream/%2e%2e/%2e%2e/%2e%2e/secret.txt"}) {
            HttpResponse<String> r = api.get(base + path);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("SECRET");
        }
        HttpResponse<String> otherJob = api.get("/api/v1/jobs/" + UUID.randomUUID() + "/files/ok.mp4");
        assertThat(otherJob.statusCode()).isEqualTo(404);
    }
}
