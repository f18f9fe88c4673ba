package org.mpp.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Serves calls that several threads make at the same time with one piece of work, as a database's group commit serves
 * concurrent commits with one flush: the first caller runs the work for everyone waiting, and whoever calls while it
 * runs waits and is served by the next round, run by one of them. A lone caller runs its own round at once, so nothing
 * waits for a batch to fill. The store uses it for one node's concurrent claims of a stage and for its concurrent
 * segment completions: each round is one transaction (or one statement) instead of one per worker. Thread-safe.
 *
 * @param <T> what a caller asks
 * @param <R> what it gets back
 */
final class Batcher<T, R> {
    /** One caller's request in a round; the work sets its result or its failure. */
    static final class Slot<T, R> {
        final T request;
        private R result;
        private RuntimeException failure;
        private boolean done;

        private Slot(T request) {
            this.request = request;
        }

        void succeed(R r) {
            result = r;
        }

        void fail(RuntimeException e) {
            failure = e;
        }

        private boolean settled() {
            return result != null || failure != null;
        }
    }

    private final Consumer<List<Slot<T, R>>> work;
    private final Queue<Slot<T, R>> waiting = new ArrayDeque<>();
    private boolean running;

    /**
     * @param work serves one round: sets a result (not null) or a failure on each slot; a slot it leaves unset, or every
     *     slot still unset when it throws, fails with what it threw (or an {@link IllegalStateException})
     */
    Batcher(Consumer<List<Slot<T, R>>> work) {
        this.work = work;
    }

    /**
     * Runs {@code request}, alone or in a round with the calls waiting at the same time.
     *
     * @throws RuntimeException the failure the work set for this request, or what it threw
     */
    R call(T request) {
        Slot<T, R> mine = new Slot<>(request);
        List<Slot<T, R>> round;
        boolean interrupted = false;
        synchronized (this) {
            waiting.add(mine);
            // Not interruptible: once a round has taken this request, what it claims or completes for it must reach its
            // caller (a claimed task nobody runs would sit under this node until its lease expired, counted as failed).
            while (running && !mine.done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (!mine.done) {
                running = true;
                round = new ArrayList<>(waiting);
                waiting.clear();
            } else {
                round = null;
            }
        }
        if (round != null) {
            serve(round);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    private void serve(List<Slot<T, R>> round) {
        RuntimeException thrown = null;
        try {
            work.accept(round);
        } catch (RuntimeException e) {
            thrown = e;
        } catch (Error e) {
            thrown = new IllegalStateException("A batched store call failed: " + e, e);
            throw e;
        } finally {
            synchronized (this) {
                for (Slot<T, R> s : round) {
                    // A result set before the work threw stands: it may be rows the round's transaction committed.
                    if (!s.settled()) {
                        s.fail(thrown != null ? thrown : new IllegalStateException("A batched store call left a request unanswered: " + s.request));
                    }
                    s.done = true;
                }
                running = false;
                notifyAll();
            }
        }
    }
}
