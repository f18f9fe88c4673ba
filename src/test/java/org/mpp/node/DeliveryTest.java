package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.Uuids;

/** The delivery folder's naming rule ({@link Delivery}) on plain files. */
class DeliveryTest {
    @TempDir
    Path dir;

    @Test
    void aFreeNameIsTheRenditionsOwn() throws IOException {
        Path delivered = Delivery.deliver(rendition("a", "one"), dir.resolve("out"), UUID.randomUUID(), 1, () -> { });

        assertThat(delivered).isEqualTo(dir.resolve("out/talk720p30.mp4")).hasContent("one");
        assertThat(names(dir.resolve("out"))).containsExactly("talk720p30.mp4");
    }

    @Test
    void aNameHoldingAnotherJobsFileIsNeverReplacedAndTheJobGetsItsUuidSuffix() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("talk720p30.mp4"), "yesterday's talk");
        UUID job = UUID.randomUUID();

        Path delivered = Delivery.deliver(rendition("a", "today's talk"), out, job, 1, () -> { });

        assertThat(delivered.getFileName().toString()).isEqualTo("talk720p30-" + Uuids.hex(job).substring(0, 8) + ".mp4");
        assertThat(delivered).hasContent("today's talk");
        assertThat(out.resolve("talk720p30.mp4")).hasContent("yesterday's talk");
        assertThat(names(out)).as("no temporary file left").hasSize(2);
    }

    @Test
    void anIdenticalFileOfAnotherJobIsNotTakenAsTheFirstAttemptsOwn() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("talk720p30.mp4"), "same bytes");
        UUID job = UUID.randomUUID();

        Path delivered = Delivery.deliver(rendition("a", "same bytes"), out, job, 1, () -> { });

        assertThat(delivered.getFileName().toString()).isEqualTo("talk720p30-" + Uuids.hex(job).substring(0, 8) + ".mp4");
    }

    @Test
    void aRetriedExportFindsItsEarlierDeliveryInsteadOfDeliveringASecondCopy() throws IOException {
        UUID job = UUID.randomUUID();
        Path rendition = rendition("a", "the job's bytes");
        Path first = Delivery.deliver(rendition, dir.resolve("out"), job, 1, () -> { });

        Path again = Delivery.deliver(rendition, dir.resolve("out"), job, 2, () -> { });

        assertThat(again).isEqualTo(first);
        assertThat(names(dir.resolve("out"))).containsExactly("talk720p30.mp4");
    }

    @Test
    void whenEveryNameHoldsAnotherFileTheDeliveryFailsAndReplacesNothing() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        UUID job = UUID.randomUUID();
        for (String n : Delivery.candidates("talk720p30.mp4", job)) {
            Files.writeString(out.resolve(n), "other " + n);
        }

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Delivery.deliver(rendition("a", "mine"), out, job, 1, () -> { }))
                .hasMessageContaining("talk720p30.mp4").hasMessageContaining("move them away");
        for (String n : Delivery.candidates("talk720p30.mp4", job)) {
            assertThat(out.resolve(n)).hasContent("other " + n);
        }
        assertThat(names(out)).hasSize(3);
    }

    @Test
    void exportsDeliveringOneNameAtTheSameMomentEachGetANameOfTheirOwn() throws Exception {
        int jobs = 8;
        Path out = dir.resolve("out");
        CyclicBarrier start = new CyclicBarrier(jobs);
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        List<Future<Path>> results = new ArrayList<>();
        try {
            for (int i = 0; i < jobs; i++) {
                Path own = rendition("job" + i, "content of job " + i);
                UUID job = UUID.randomUUID();
                results.add(pool.submit(() -> {
                    start.await();
                    return Delivery.deliver(own, out, job, 1, () -> { });
                }));
            }
            List<Path> delivered = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                delivered.add(results.get(i).get());
                assertThat(delivered.get(i)).hasContent("content of job " + i);
            }
            assertThat(delivered).doesNotHaveDuplicates();
            assertThat(names(out)).hasSize(jobs).contains("talk720p30.mp4");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aJobsLeftoverTemporaryCopiesAreDeletedAndNoOtherJobsAre() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        UUID job = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        Path mine = Files.writeString(out.resolve(".mpp-" + Uuids.hex(job) + "-" + UUID.randomUUID() + ".part"), "killed mid-copy");
        Path theirs = Files.writeString(out.resolve(".mpp-" + Uuids.hex(other) + "-" + UUID.randomUUID() + ".part"), "being copied");
        Path delivered = Delivery.deliver(rendition("a", "done"), out, job, 1, () -> { });

        Delivery.deleteLeftovers(out, job);

        assertThat(mine).doesNotExist();
        assertThat(theirs).exists();
        assertThat(delivered).hasContent("done");
    }

    @Test
    void anExportThatLostItsClaimTakesNoName() throws IOException {
        Path out = dir.resolve("out");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Delivery.deliver(rendition("a", "zombie's"), out, UUID.randomUUID(), 1, () -> {
            throw new IllegalStateException("claim lost");
        })).hasMessage("claim lost");
        assertThat(names(out)).as("no name taken, no temporary left").isEmpty();
    }

    /** A finished rendition "talk720p30.mp4" in a job's own export folder. */
    private Path rendition(String jobFolder, String content) throws IOException {
        Path f = Files.createDirectories(dir.resolve("export").resolve(jobFolder)).resolve("talk720p30.mp4");
        return Files.writeString(f, content);
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
