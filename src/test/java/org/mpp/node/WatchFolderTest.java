package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mpp.config.Settings;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.TestDatabases;

/** The watch folder makes one job of each settled file, however many nodes watch, and none of a file still growing. */
class WatchFolderTest {
    private static final Duration SETTLE = Duration.ofSeconds(5);
    @TempDir
    Path dir;
    TestDatabases.Fresh fresh;
    final List<Node> nodes = new ArrayList<>();
    final AtomicLong clock = new AtomicLong();

    @AfterEach
    void tearDown() {
        nodes.forEach(Node::close);
        if (fresh != null) {
            fresh.close();
        }
    }

    private WatchFolder watcher(Path source, JobStore jobs) {
        return new WatchFolder(source, jobs, SETTLE, clock::get, () -> { });
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Test
    void aFileStillBeingWrittenDoesNotBecomeAJobUntilItsSizeAndTimeSettle() throws Exception {
        fresh = TestDatabases.h2();
        JobStore jobs = new JobStore(fresh.open());
        Path source = Files.createDirectories(dir.resolve("source"));
        WatchFolder watch = watcher(source, jobs);
        Path f = Files.write(source.resolve("growing.mp4"), new byte[1000]);

        assertThat(watch.scanOnce()).isEmpty();
        advance(SETTLE.minusMillis(1));
        assertThat(watch.scanOnce()).as("not settled yet").isEmpty();
        Files.write(f, new byte[1000], StandardOpenOption.APPEND);
        advance(Duration.ofSeconds(1));
        assertThat(watch.scanOnce()).as("it grew: its settle time starts again").isEmpty();
        advance(SETTLE.minusMillis(1));
        assertThat(watch.scanOnce()).isEmpty();
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
        advance(Duration.ofSeconds(1));
        assertThat(watch.scanOnce()).as("touched: not settled either").isEmpty();
        assertThat(jobs.list(10)).isEmpty();

        advance(SETTLE);
        Set<UUID> made = watch.scanOnce();
        assertThat(made).hasSize(1);
        assertThat(jobs.list(10)).singleElement().satisfies(j -> assertThat(j.sourceName()).isEqualTo("growing.mp4"));
        advance(SETTLE.multipliedBy(3));
        assertThat(watch.scanOnce()).as("once").isEmpty();
        assertThat(watcher(source, jobs).scanOnce()).isEmpty();
        advance(SETTLE.multipliedBy(2));
        assertThat(jobs.list(10)).hasSize(1);
    }

    @Test
    void hiddenTemporaryAndAlreadySubmittedFilesDoNotBecomeJobs() throws Exception {
        fresh = TestDatabases.h2();
        JobStore jobs = new JobStore(fresh.open());
        Path source = Files.createDirectories(dir.resolve("source"));
        for (String name : List.of(".hidden.mp4", "upload.mp4.part", "x.tmp", "y.mp4.crdownload", "submitted.mp4")) {
            Files.write(source.resolve(name), new byte[10]);
        }
        Files.createDirectories(source.resolve("folder.mp4"));
        UUID submitted = jobs.submit("submitted.mp4", 0);
        WatchFolder watch = watcher(source, jobs);

        watch.scanOnce();
        advance(SETTLE.multipliedBy(2));
        assertThat(watch.scanOnce()).isEmpty();
        assertThat(jobs.list(10)).extracting(JobView::uuid).containsExactly(submitted);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void manySettledFilesBecomeOneJobEachWhenTwoWatchersScanAtTheSameMoment(TestDatabases.Kind kind) throws Exception {
        fresh = TestDatabases.fresh(kind);
        Database db = fresh.open();
        Path source = Files.createDirectories(dir.resolve("source"));
        for (int i = 0; i < 20; i++) {
            Files.write(source.resolve("f" + i + ".mp4"), new byte[100 + i]);
        }
        WatchFolder one = watcher(source, new JobStore(db));
        // Two watchers, each with its own store; their transactions race on the pool's connections as two nodes' would.
        WatchFolder two = watcher(source, new JobStore(db));
        one.scanOnce();
        two.scanOnce();
        advance(SETTLE);
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Set<UUID> made = ConcurrentHashMap.newKeySet();
        try {
            List<Future<Set<UUID>>> scans = new ArrayList<>();
            for (WatchFolder w : List.of(one, two)) {
                scans.add(pool.submit(() -> {
                    together.await();
                    return w.scanOnce();
                }));
            }
            for (Future<Set<UUID>> s : scans) {
                made.addAll(s.get());
            }
        } finally {
            pool.shutdown();
        }
        List<JobView> all = new JobStore(db).list(100);
        assertThat(all).hasSize(20);
        assertThat(all).extracting(JobView::sourceName).doesNotHaveDuplicates();
        assertThat(made).hasSize(20);
    }

    @Test
    void aFileDroppedIntoAFolderTwoNodesWatchBecomesExactlyOneJob() throws Exception {
        fresh = TestDatabases.h2();
        Database db = fresh.open();
        Settings s = Settings.from(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.work.watch = true
                mpp.work.watch-settle-seconds = 0.3
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.roles { ingest = 0, transcode = 0, export = 0 }
                """.formatted(dir.resolve("work"))).withFallback(ConfigFactory.defaultReference()).resolve());
        for (int i = 0; i < 2; i++) {
            nodes.add(Node.builder(s).dataSource(db.dataSource()).build().start());
        }
        JobStore jobs = new JobStore(db);
        Path tmp = Files.write(dir.resolve("work/source/.clip.mp4.writing"), new byte[5000]);
        Files.move(tmp, dir.resolve("work/source/clip.mp4"));

        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.list(10).size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> jobs.list(10).size() == 1);
        assertThat(jobs.list(10)).singleElement().satisfies(j -> assertThat(j.sourceName()).isEqualTo("clip.mp4"));
    }
}
