package org.mpp.api;

import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.store.ApiKeyStore;
import org.mpp.store.ApiSessionStore;
import org.mpp.store.ClusterStats;
import org.mpp.store.ControlStore;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.NodeStore;
import org.mpp.store.UserStore;
import org.mpp.store.WebhookStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MPP's HTTP service (REST, uploads and downloads, login and API keys, {@code /metrics}, {@code /health/*}) over one
 * database: stateless, so several nodes can serve it behind a balancer. Listens on {@code mpp.api.bind}:{@code
 * mpp.api.port} (port 0: any free one, see {@link #port()}). Talks to MPP only through {@link MppClient} and the stores.
 * Thread-safe; {@link #close()} stops it and is idempotent. The database stays open: it belongs to the caller.
 *
 * <pre>{@code
 * try (Node node = Node.builder(settings).build().start(); ApiServer api = ApiServer.start(settings, node.database())) {
 *     System.out.println("API at " + api.url());
 *     node.awaitStop();
 * }
 * }</pre>
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    /** Request bodies read whole (JSON) are at most this long; uploads stream and have their own cap. */
    private static final long MAX_JSON_BYTES = 1024 * 1024;
    private final Javalin app;
    private final MppClient client;
    private final MetricsHandler metrics;
    private final List<Route> routes;
    private final String bind;
    private final Path spool;
    private boolean closed;

    private ApiServer(Javalin app, MppClient client, MetricsHandler metrics, List<Route> routes, String bind, Path spool) {
        this.spool = spool;
        this.app = app;
        this.client = client;
        this.metrics = metrics;
        this.routes = routes;
        this.bind = bind;
    }

    /**
     * Starts serving {@code db} with {@code settings.api()}.
     *
     * @throws org.mpp.MppException when the address cannot be bound (port taken)
     */
    public static ApiServer start(Settings settings, Database db) {
        Settings.Api api = settings.api();
        MppClient client = MppClient.create(db, settings);
        Path spool = spool(settings.work().dir().toAbsolutePath().resolve("upload-spool"));
        JobHandlers jobs = new JobHandlers(client, new JobStore(db), api.maxUploadBytes(), Clock.systemDefaultZone());
        MetricsHandler metrics = new MetricsHandler(new ClusterStats(db), new WebhookStore(db), db.dataSource());
        Handlers h = new Handlers(
                new Authentication(new ApiKeyStore(db), new ApiSessionStore(db), new UserStore(db), new LoginThrottle(Clock.systemUTC()),
                        api.metricsAuth()),
                new HealthHandlers(new ClusterStats(db), settings.work().dir().toAbsolutePath(), settings.work().minFreeBytes()), metrics,
                new OpenApiHandler(), jobs, new FileHandler(jobs, client), new AdminHandlers(new NodeStore(db), new ControlStore(db)),
                new EventHandlers(new WebhookStore(db)), new WebAssets());
        List<Route> routes = Routes.table(h);
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = MAX_JSON_BYTES;
            // Multipart uploads go to disk from the first byte (never held in memory), and Jetty stops at the cap.
            cfg.jetty.multipartConfig.cacheDirectory(spool.toString());
            cfg.jetty.multipartConfig.maxInMemoryFileSize(0, SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxFileSize(api.maxUploadBytes(), SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxTotalRequestSize(api.maxUploadBytes() + MAX_JSON_BYTES, SizeUnit.BYTES);
            for (Route r : routes) {
                if (r.method() == HandlerType.BEFORE) {
                    cfg.routes.before(r.path(), r.handler());
                } else {
                    cfg.routes.addEndpoint(new Endpoint(r.method(), r.path(), r.handler()));
                }
            }
            cfg.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus())
                    .json(new ApiException.ErrorBody(errorName(e.getStatus()), e.getMessage())));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                ctx.status(500).json(new ApiException.ErrorBody("internal", "the server failed; its log says why"));
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    ctx.json(new ApiException.ErrorBody("not_found", "no such endpoint: " + ctx.method() + " " + ctx.path()));
                }
            });
        });
        try {
            app.start(api.bind(), api.port());
        } catch (RuntimeException e) {
            metrics.close();
            client.close();
            throw new org.mpp.MppException("Cannot serve the API on " + api.bind() + ":" + api.port() + " (mpp.api.bind, mpp.api.port): "
                    + e.getMessage(), e);
        }
        ApiServer server = new ApiServer(app, client, metrics, routes, api.bind(), spool);
        log.info("API serving at {}", server.url());
        return server;
    }

    /**
     * This server's own folder under {@code <work>/upload-spool/}, where Jetty writes multipart uploads before they are
     * copied into the source folder (other nodes share the work folder, so each server has its own and removes it on
     * close). Folders that a server which died left behind are removed once they are a day old.
     */
    private static Path spool(Path root) {
        try {
            Files.createDirectories(root);
            try (var old = Files.list(root)) {
                java.time.Instant dayAgo = java.time.Instant.now().minus(java.time.Duration.ofDays(1));
                for (Path p : old.toList()) {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(dayAgo)) {
                        org.mpp.node.WorkFolders.deleteTree(p);
                    }
                }
            }
            return Files.createDirectories(root.resolve(java.util.UUID.randomUUID().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the upload spool folder " + root, e);
        }
    }

    private static String errorName(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 409 -> "conflict";
            case 413 -> "too_large";
            default -> "error";
        };
    }

    /** The port it listens on (the one chosen when {@code mpp.api.port} is 0). */
    public int port() {
        return app.port();
    }

    /** {@code http://BIND:PORT} (IPv6 addresses in brackets). */
    public String url() {
        String host = bind.contains(":") ? "[" + bind + "]" : bind;
        return "http://" + host + ":" + port();
    }

    /** The route table it serves (method, path), for the OpenAPI check. */
    List<Route> routes() {
        return routes;
    }

    /** The endpoints Javalin actually registered (filters left out), as "METHOD path". */
    List<String> registered() {
        return app.unsafe.internalRouter.allHttpHandlers().stream().filter(p -> p.endpoint.method.isHttpMethod())
                .map(p -> p.endpoint.method.name() + " " + p.endpoint.path).toList();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        app.stop();
        metrics.close();
        client.close();
        try {
            org.mpp.node.WorkFolders.deleteTree(spool);
        } catch (IOException e) {
            log.warn("Cannot remove the upload spool folder {}: {}", spool, e.toString());
        }
    }
}
