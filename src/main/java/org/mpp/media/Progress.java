package org.mpp.media;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Receives the fraction done (0.0 to 1.0, never decreasing) of a long media operation. Called on the
 * thread doing the work, at most a few times a second: implementations must be quick and must not throw.
 */
@FunctionalInterface
public interface Progress {
    Progress NONE = fraction -> { };

    void update(double fraction);

    /** A view of this listener for a sub-step that covers [from, to] of the whole. */
    default Progress slice(double from, double to) {
        return fraction -> update(from + (to - from) * Math.max(0, Math.min(1, fraction)));
    }

    /**
     * {@code parts} listeners for sub-steps of equal weight that run at the same time, on their own threads: the whole
     * gets the mean of their fractions (which never decreases while none of theirs does).
     */
    static List<Progress> parallel(Progress whole, int parts) {
        double[] done = new double[parts];
        List<Progress> list = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            int part = i;
            list.add(fraction -> {
                double mean;
                synchronized (done) {
                    done[part] = Math.max(done[part], Math.max(0, Math.min(1, fraction)));
                    mean = Arrays.stream(done).sum() / parts;
                }
                whole.update(mean);
            });
        }
        return list;
    }
}
