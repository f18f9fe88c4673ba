package org.mpp.testweb;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves one stream package to the browser from 127.0.0.1 on an ephemeral port: the player pages and
 * {@code harness.js} (test resources of this package) at {@code /}, the players' dist files at {@code /players/},
 * and the package folder at {@code /pkg/}. Nothing outside the folder is reachable: a path with a {@code ..} segment,
 * or one that resolves (through links) outside the folder, gets 403. Every answer other than 200/206 is remembered as
 * a failure, because a player may retry or skip a missing segment without ever saying so.
 */
final class PackageServer implements AutoCloseable {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("m3u8", "application/vnd.apple.mpegurl"),
            Map.entry("mpd", "application/dash+xml"),
            Map.entry("m4s", "video/iso.segment"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("m4a", "audio/mp4"),
            Map.entry("m4v", "video/mp4"),
            Map.entry("vtt", "text/vtt"),
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"));
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Path root;
    private final Map<String, Path> players;
    private final HttpServer server;
    private final ExecutorService executor;
    private final List<String> failures = new CopyOnWriteArrayList<>();

    private PackageServer(Path root, Map<String, Path> players) throws IOException {
        this.root = root.toRealPath();
        this.players = players;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "package-server-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts serving {@code root}; {@code players} maps a name under /players/ to its file. */
    static PackageServer start(Path root, Map<String, Path> players) throws IOException {
        PackageServer s = new PackageServer(root, players);
        s.server.start();
        return s;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123/}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Requests answered with something other than 200 or 206, as "404 GET /pkg/x.m4s", in order. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                reply(ex, 405, path);
            } else if (path.startsWith("/pkg/")) {
                servePackageFile(ex, path.substring("/pkg/".length()));
            } else if (path.startsWith("/players/") && players.containsKey(path.substring("/players/".length()))) {
                serveFile(ex, players.get(path.substring("/players/".length())));
            } else if (path.matches("/[a-z]+\\.(html|js)")) {
                try (InputStream in = PackageServer.class.getResourceAsStream(path.substring(1))) {
                    if (in == null) {
                        reply(ex, 404, path);
                    } else {
                        send(ex, type(path), in.readAllBytes());
                    }
                }
            } else {
                reply(ex, 404, path);
            }
        } catch (IOException | RuntimeException e) {
            failures.add("500 " + ex.getRequestURI() + " (" + e + ")");
            throw e;
        }
    }

    private void servePackageFile(HttpExchange ex, String relative) throws IOException {
        if (relative.isEmpty() || List.of(relative.split("/")).contains("..") || relative.contains("\\")) {
            reply(ex, 403, ex.getRequestURI().getPath());
            return;
        }
        Path file = root.resolve(relative).normalize();
        if (!Files.isRegularFile(file)) {
            reply(ex, 404, ex.getRequestURI().getPath());
        } else if (!file.toRealPath().startsWith(root)) {
            reply(ex, 403, ex.getRequestURI().getPath());
        } else {
            serveFile(ex, file);
        }
    }

    private void serveFile(HttpExchange ex, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            reply(ex, 404, ex.getRequestURI().getPath());
            return;
        }
        byte[] body = Files.readAllBytes(file);
        String range = ex.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range.trim());
        if (m != null && m.matches()) {
            // Byte ranges: a package written as single files per level (hls byterange, dash SegmentBase) needs them.
            long from = Long.parseLong(m.group(1));
            long to = m.group(2).isEmpty() ? body.length - 1 : Math.min(Long.parseLong(m.group(2)), body.length - 1);
            if (from > to) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + body.length);
                reply(ex, 416, ex.getRequestURI().getPath());
                return;
            }
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + body.length);
            byte[] part = Arrays.copyOfRange(body, (int) from, (int) to + 1);
            send(ex, 206, type(file.getFileName().toString()), part);
        } else {
            send(ex, type(file.getFileName().toString()), body);
        }
    }

    private static String type(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static void send(HttpExchange ex, String type, byte[] body) throws IOException {
        send(ex, 200, type, body);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void reply(HttpExchange ex, int status, String path) throws IOException {
        failures.add(status + " " + ex.getRequestMethod() + " " + path);
        ex.sendResponseHeaders(status, -1);
    }
}
