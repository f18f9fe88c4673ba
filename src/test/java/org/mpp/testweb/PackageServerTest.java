package org.mpp.testweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test server: types the players expect, and nothing outside the package folder. No browser needed. */
class PackageServerTest {
    @TempDir
    Path dir;

    @Test
    void servesManifestsAndSegmentsWithTheirMediaTypes() throws IOException {
        Path pkg = aPackage();
        try (PackageServer server = PackageServer.start(pkg, Map.of())) {
            assertThat(get(server, "/pkg/master.m3u8")).startsWith("HTTP/1.1 200")
                    .contains("Content-type: application/vnd.apple.mpegurl");
            assertThat(get(server, "/pkg/manifest.mpd")).contains("Content-type: application/dash+xml");
            assertThat(get(server, "/pkg/chunk-stream0-00001.m4s")).contains("Content-type: video/iso.segment");
            assertThat(get(server, "/pkg/subs.vtt")).contains("Content-type: text/vtt");
            assertThat(get(server, "/hls.html")).contains("Content-type: text/html").contains("hls.min.js");
            assertThat(server.failures()).isEmpty();
        }
    }

    @Test
    void answersByteRanges() throws IOException {
        Path pkg = aPackage();
        try (PackageServer server = PackageServer.start(pkg, Map.of())) {
            assertThat(get(server, "/pkg/chunk-stream0-00001.m4s", "Range: bytes=2-4"))
                    .startsWith("HTTP/1.1 206").contains("Content-range: bytes 2-4/10").endsWith("234");
        }
    }

    @Test
    void refusesEveryPathOutOfThePackage() throws IOException {
        Path pkg = aPackage();
        Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(pkg.resolve("link.m3u8"), dir.resolve("secret.txt"));
        try (PackageServer server = PackageServer.start(pkg, Map.of())) {
            assertThat(get(server, "/pkg/../secret.txt")).startsWith("HTTP/1.1 403");
            assertThat(get(server, "/pkg/%2e%2e/secret.txt")).startsWith("HTTP/1.1 403");
            assertThat(get(server, "/pkg/link.m3u8")).startsWith("HTTP/1.1 403");
            assertThat(get(server, "/players/../../secret.txt")).startsWith("HTTP/1.1 404");
            assertThat(get(server, "/pkg/missing.m4s")).startsWith("HTTP/1.1 404");
            assertThat(server.failures()).containsExactly("403 GET /pkg/../secret.txt", "403 GET /pkg/../secret.txt",
                    "403 GET /pkg/link.m3u8", "404 GET /players/../../secret.txt", "404 GET /pkg/missing.m4s");
        }
    }

    private Path aPackage() throws IOException {
        Path pkg = Files.createDirectories(dir.resolve("a-stream"));
        Files.writeString(pkg.resolve("master.m3u8"), "#EXTM3U\n");
        Files.writeString(pkg.resolve("manifest.mpd"), "<MPD/>");
        Files.writeString(pkg.resolve("chunk-stream0-00001.m4s"), "0123456789");
        Files.writeString(pkg.resolve("subs.vtt"), "WEBVTT\n");
        return pkg;
    }

    /** A raw request, so that the path reaches the server exactly as written (no client normalising ".."). */
    private static String get(PackageServer server, String path, String... headers) throws IOException {
        String port = server.baseUrl().replaceAll(".*:(\\d+)/$", "$1");
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(port))) {
            OutputStream out = s.getOutputStream();
            StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
