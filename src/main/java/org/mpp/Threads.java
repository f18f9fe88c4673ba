package org.mpp;

import java.util.List;

/** Small helpers for the few places that start threads of their own. Stateless. */
public final class Threads {
    private Threads() {
    }

    /**
     * Waits for every thread to end, even when interrupted meanwhile, and then sets the caller's interrupt flag again:
     * for threads that hold something the caller frees or publishes after them (shared audio, a folder being written).
     */
    public static void joinAll(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
