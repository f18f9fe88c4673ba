package org.mpp.media;

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
}
