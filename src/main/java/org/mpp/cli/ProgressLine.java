package org.mpp.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.mpp.pipeline.LocalTranscoder.Step;

/**
 * One progress bar on the terminal, redrawn in place at most ten times a second. Without a terminal
 * (piped, CI) it prints one line per step instead.
 */
final class ProgressLine {
    private static final int WIDTH = 30;
    private final String name;
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private long lastDraw;
    private String lastStep;

    /** @param name the file's name, shown with its control characters escaped ({@link org.mpp.Names#printable}) */
    ProgressLine(String name, PrintStream out) {
        this.name = org.mpp.Names.printable(name);
        this.out = out;
    }

    void show(Step step, double fraction) {
        show(step.name().toLowerCase(Locale.ROOT), fraction);
    }

    void show(String step, double fraction) {
        if (!terminal) {
            if (!step.equals(lastStep)) {
                out.printf(Locale.ROOT, "%s: %s%n", name, step);
                lastStep = step;
            }
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && step.equals(lastStep)) {
            return;
        }
        lastDraw = now;
        lastStep = step;
        int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * WIDTH);
        out.printf(Locale.ROOT, "\r%-24.24s [%s%s] %3d%% %-9s", name, "#".repeat(filled), ".".repeat(WIDTH - filled),
                Math.round(fraction * 100), step);
        out.flush();
    }

    void done() {
        if (terminal && lastStep != null) {
            out.println();
        }
    }
}
