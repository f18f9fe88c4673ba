package org.mpp.node;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.store.ControlStore;
import org.mpp.store.Database;
import org.mpp.store.JobView;
import org.mpp.store.TestDatabases;

/**
 * One node in this JVM on a fresh MariaDB database (skipped, or failed in CI, when none answers) with fast settings,
 * a client and the control store beside it. The node is built at once and started by {@link #start()}, so that a test
 * can hold stages back by policy first.
 */
final class NodeOnMariaDb implements AutoCloseable {
    final Path work;
    final Settings settings;
    final TestDatabases.Fresh fresh;
    final Database db;
    final Node node;
    final MppClient client;
    final ControlStore control;

    /** @param extra more configuration lines (HOCON), e.g. a delivery folder */
    NodeOnMariaDb(Path dir, String extra) {
        this.work = dir.resolve("work");
        this.settings = Settings.from(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.media.segment-seconds = 1
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.poll-millis = 50
                mpp.node.roles { ingest = 1, transcode = 1, export = 1 }
                %s
                """.formatted(work, extra)).withFallback(ConfigFactory.defaultReference()).resolve());
        this.fresh = TestDatabases.mariaDb();
        this.db = fresh.open();
        this.node = Node.builder(settings).dataSource(db.dataSource()).build();
        this.client = MppClient.create(db, settings);
        this.control = new ControlStore(db);
    }

    NodeOnMariaDb start() {
        node.start();
        return this;
    }

    JobView job(UUID job) {
        return client.job(job).orElseThrow();
    }

    JobView awaitJob(UUID job, Predicate<JobView> until) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> until.test(job(job)));
        return job(job);
    }

    JobView awaitFinished(UUID job) {
        return awaitJob(job, JobView::finished);
    }

    @Override
    public void close() {
        node.close();
        fresh.close();
    }
}
