package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatcherTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Queue<List<Integer>> rounds = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aLoneCallRunsAtOnceInARoundOfItsOwn() {
        Batcher<Integer, Integer> b = new Batcher<>(round -> {
            rounds.add(requests(round));
            round.forEach(s -> s.succeed(s.request * 10));
        });

        assertThat(b.call(1)).isEqualTo(10);
        assertThat(b.call(2)).isEqualTo(20);
        assertThat(rounds).containsExactly(List.of(1), List.of(2));
    }

    @Test
    void callsMadeWhileARoundRunsAreServedTogetherByTheNextRound() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Batcher<Integer, Integer> b = new Batcher<>(round -> {
            rounds.add(requests(round));
            if (round.get(0).request == 0) {
                awaitQuietly(release);
            }
            round.forEach(s -> s.succeed(s.request * 10));
        });
        Future<Integer> first = pool.submit(() -> b.call(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> rounds.size() == 1);
        List<Thread> waiting = new ArrayList<>();
        List<Future<Integer>> later = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int request = i;
            later.add(pool.submit(() -> {
                synchronized (waiting) {
                    waiting.add(Thread.currentThread());
                }
                return b.call(request);
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (waiting) {
                return waiting.size() == 3 && waiting.stream().allMatch(t -> t.getState() == Thread.State.WAITING);
            }
        });

        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(0);
        for (int i = 0; i < 3; i++) {
            assertThat(later.get(i).get(10, TimeUnit.SECONDS)).isEqualTo((i + 1) * 10);
        }
        assertThat(rounds).hasSize(2);
        assertThat(new ArrayList<>(rounds).get(1)).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void whatTheWorkThrowsReachesEveryCallerItHadNotAnswered() {
        Batcher<Integer, Integer> b = new Batcher<>(round -> {
            round.get(0).succeed(1);
            throw new IllegalStateException("the database went away");
        });

        assertThat(b.call(7)).isEqualTo(1);
        Batcher<Integer, Integer> failing = new Batcher<>(round -> {
            throw new IllegalStateException("the database went away");
        });
        assertThatThrownBy(() -> failing.call(7)).isInstanceOf(IllegalStateException.class).hasMessage("the database went away");
    }

    @Test
    void aRequestTheWorkLeavesUnansweredFailsInsteadOfHanging() {
        Batcher<Integer, Integer> b = new Batcher<>(round -> {
        });

        assertThatThrownBy(() -> b.call(7)).isInstanceOf(IllegalStateException.class).hasMessageContaining("unanswered");
    }

    @Test
    void aFailureSetForOneRequestReachesOnlyItsCaller() {
        Batcher<Integer, Integer> b = new Batcher<>(round -> round.forEach(s -> {
            if (s.request < 0) {
                s.fail(new IllegalArgumentException("negative: " + s.request));
            } else {
                s.succeed(s.request);
            }
        }));

        assertThatThrownBy(() -> b.call(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.call(3)).isEqualTo(3);
    }

    private static List<Integer> requests(List<Batcher.Slot<Integer, Integer>> round) {
        return round.stream().map(s -> s.request).toList();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
