package org.mpp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.node.Node;
import org.mpp.store.JobView;

/**
 * MPP embedded in another JVM application: a node (worker pools) and a client over one database.
 *
 * <pre>{@code
 * try (Mpp mpp = Mpp.create(ConfigFactory.parseString("mpp.work.dir = /data/mpp"))) {
 *     UUID job = mpp.submit(Path.of("upload.mov"));
 *     JobView done = mpp.await(job, Duration.ofHours(1), v -> log.info("{} {}", v.statusName(), v.progress()));
 * }
 * }</pre>
 *
 * <p>No static state of its own: several instances (different work folders or databases) can live in one JVM.
 * FFmpeg's log level and callback are process-wide by FFmpeg's design and shared by all instances. Thread-safe.
 * Applications that only submit and watch use {@link MppClient} instead, which starts no workers.
 */
public final class Mpp implements AutoCloseable {
    private final Node node;
    private final MppClient client;

    private Mpp(Node node, Settings settings) {
        this.node = node;
        this.client = MppClient.create(node.database(), settings);
    }

    /**
     * Starts an engine from the application's config (keys under {@code mpp}; anything missing comes from MPP's
     * reference.conf).
     *
     * @throws org.mpp.config.ConfigurationException naming the key of a bad setting
     */
    public static Mpp create(Config config) {
        return create(Settings.from(config.withFallback(ConfigFactory.defaultReference()).resolve()), null);
    }

    /** Starts an engine on the application's own connection pool (MySQL, MariaDB or H2 in MySQL mode). */
    public static Mpp create(Config config, DataSource dataSource) {
        return create(Settings.from(config.withFallback(ConfigFactory.defaultReference()).resolve()), dataSource);
    }

    /** Starts an engine from settings already read. */
    public static Mpp create(Settings settings, DataSource dataSource) {
        Node.Builder b = Node.builder(settings);
        if (dataSource != null) {
            b.dataSource(dataSource);
        }
        Node node = b.build();
        try {
            node.start();
            return new Mpp(node, settings);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** Submits a file (copied into the source folder when it is elsewhere) at priority 0. */
    public UUID submit(Path file) {
        return submit(file, 0);
    }

    public UUID submit(Path file, int priority) {
        return submit(file, priority, null);
    }

    /** As {@link MppClient#submit(Path, int, java.net.URI)}: the job's events are also POSTed to {@code callbackUrl} (null = none). */
    public UUID submit(Path file, int priority, java.net.URI callbackUrl) {
        UUID job = client.submit(file, priority, callbackUrl);
        node.wake();
        return job;
    }

    public Optional<JobView> job(UUID job) {
        return client.job(job);
    }

    /** Waits for a job to complete or fail, reporting each change of status or progress to {@code onChange}. */
    public JobView await(UUID job, Duration timeout, Consumer<JobView> onChange) throws TimeoutException, InterruptedException {
        return client.await(job, timeout, onChange, node.changeWaiter()::await);
    }

    /** The node inside this engine. */
    public Node node() {
        return node;
    }

    /** Stops the workers (releasing unfinished tasks for other nodes) and closes the database. */
    @Override
    public void close() {
        client.close();
        node.close();
    }
}
