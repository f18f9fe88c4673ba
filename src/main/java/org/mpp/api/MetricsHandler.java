package org.mpp.api;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.mpp.store.ClusterStats;
import org.mpp.store.WebhookStore;
import org.mpp.store.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} in Prometheus' text format: the cluster as the database shows it (jobs by status, tasks by stage
 * and status, queue depth, each node's heartbeat age, webhook deliveries by state; read once per scrape), the work of
 * the nodes in this process (segment encode times as a histogram, frames encoded, claims by stage: {@code NodeMeters}), this node's connection pool (HikariCP's
 * Micrometer tracker), and the JVM and process. Thread-safe: scrapes are serialised.
 */
final class MetricsHandler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsHandler.class);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ClusterStats stats;
    private final MultiGauge jobs;
    private final MultiGauge tasks;
    private final MultiGauge heartbeats;
    private final MultiGauge deliveries;
    private final WebhookStore webhooks;
    private final AtomicLong queueDepth = new AtomicLong();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    MetricsHandler(ClusterStats stats, WebhookStore webhooks, DataSource dataSource) {
        this.stats = stats;
        this.webhooks = webhooks;
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        jobs = MultiGauge.builder("mpp.jobs").description("Jobs by status").register(registry);
        tasks = MultiGauge.builder("mpp.tasks").description("Tasks by stage and status").register(registry);
        heartbeats = MultiGauge.builder("mpp.node.heartbeat.age").baseUnit("seconds")
                .description("Time since each node's last heartbeat, on the database's clock").register(registry);
        registry.gauge("mpp.queue.depth", Tags.empty(), queueDepth);
        // The nodes of this process record their work (segment encode times, frames, claims) in Micrometer's global registry.
        io.micrometer.core.instrument.Metrics.addRegistry(registry);
        deliveries = MultiGauge.builder("mpp.webhook.deliveries")
                .description("Webhook deliveries by state (waiting, sending, delivered, failed: given up after retry-hours)").register(registry);
        if (dataSource instanceof HikariDataSource pool) {
            try {
                pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
            } catch (IllegalStateException e) {
                // HikariCP takes a tracker once per pool: a second API server on the same pool (tests) goes without.
                log.warn("The connection pool's metrics are not served: {}", e.getMessage());
            }
        }
    }

    synchronized void scrape(Context ctx) {
        jobs.register(stats.jobsByStatus().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("status", Status.jobName(e.getKey())), e.getValue())).toList(), true);
        tasks.register(stats.tasks().stream().map(t -> MultiGauge.Row.of(Tags.of("stage", t.stage().name().toLowerCase(Locale.ROOT),
                "status", taskStatus(t.status())), t.count())).toList(), true);
        heartbeats.register(stats.heartbeats().stream().map(h -> MultiGauge.Row.of(Tags.of("node", String.valueOf(h.node()),
                "host", String.valueOf(h.hostname())), h.age().toMillis() / 1000.0)).toList(), true);
        queueDepth.set(stats.queueDepth());
        deliveries.register(webhooks.deliveriesByStatus().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("status", e.getKey()), e.getValue())).toList(), true);
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }

    private static String taskStatus(int code) {
        return switch (code) {
            case Status.READY -> "ready";
            case Status.RUNNING -> "running";
            case Status.COMPLETED -> "completed";
            case Status.ERROR -> "error";
            default -> String.valueOf(code);
        };
    }

    @Override
    public void close() {
        io.micrometer.core.instrument.Metrics.removeRegistry(registry);
        gc.close();
        registry.close();
    }
}
