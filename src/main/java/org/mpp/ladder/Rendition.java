package org.mpp.ladder;

import org.mpp.Rational;

/**
 * One output file a source will get: the configured rung and the concrete size and rate chosen for this
 * source.
 *
 * @param width display width of the output, even
 * @param height display height of the output, even
 * @param frameRate constant output frame rate
 * @param fileName {@code <stem><maxY>p<fps>.mp4}
 */
public record Rendition(OutputSpec spec, int width, int height, Rational frameRate, String fileName) {

    /** The short label used for folders and logs, e.g. "720p30". */
    public String label() {
        return spec.maxY() + "p" + RenditionPlanner.rateLabel(frameRate);
    }
}
