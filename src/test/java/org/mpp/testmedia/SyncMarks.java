package org.mpp.testmedia;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the sync marks of {@link TestPattern} in decoded media and measures audio/video offset. Pure functions.
 *
 * <p>Marks: at every whole second t >= 1 the frame whose interval contains t flashes (its flash region goes white)
 * and a 1 kHz burst starts at exactly t. So a flash time is the frame's timestamp, up to one frame duration before
 * t, and for a correct file {@code onset - flash} lies in [0, frame duration) — for 30 fps CFR it is 0.
 */
public final class SyncMarks {
    /** Least difference between the darkest and brightest flash-region mean for flashes to be found. */
    public static final double MIN_FLASH_CONTRAST = 40;
    /** A burst onset must follow at least this much quiet. */
    public static final double MIN_QUIET_SECONDS = 0.2;

    private SyncMarks() {
    }

    /** A frame's timestamp and the mean luma of its flash region. */
    public record LumaSample(double seconds, double meanLuma) {
    }

    /**
     * Mean luma of the flash region — the bottom half of the stored picture, with a margin — in a frame that shows
     * the stored picture rotated counterclockwise by {@code orientationDegrees} (0, 90, 180, 270; see
     * {@link FrameCode.Reading#orientationDegrees()}).
     */
    public static double flashRegionMean(byte[] luma, int width, int height, int stride, int orientationDegrees) {
        // stored region: u in [0.1, 0.9], v in [0.6, 0.95]; mapped like FrameCode's reader
        double u0 = 0.1;
        double u1 = 0.9;
        double v0 = 0.6;
        double v1 = 0.95;
        double x0;
        double x1;
        double y0;
        double y1;
        switch (orientationDegrees) {
            case 0 -> { x0 = u0; x1 = u1; y0 = v0; y1 = v1; }
            case 90 -> { x0 = v0; x1 = v1; y0 = 1 - u1; y1 = 1 - u0; }
            case 180 -> { x0 = 1 - u1; x1 = 1 - u0; y0 = 1 - v1; y1 = 1 - v0; }
            case 270 -> { x0 = 1 - v1; x1 = 1 - v0; y0 = u0; y1 = u1; }
            default -> throw new IllegalArgumentException("orientation " + orientationDegrees);
        }
        int px0 = (int) (x0 * width);
        int px1 = Math.max(px0 + 1, (int) (x1 * width));
        int py0 = (int) (y0 * height);
        int py1 = Math.max(py0 + 1, (int) (y1 * height));
        long sum = 0;
        for (int y = py0; y < py1; y++) {
            for (int x = px0; x < px1; x++) {
                sum += luma[y * stride + x] & 0xFF;
            }
        }
        return (double) sum / ((long) (px1 - px0) * (py1 - py0));
    }

    /**
     * Times of the flashes: the first sample of each run of samples brighter than halfway between the darkest and
     * brightest mean. Empty when the means differ by less than {@link #MIN_FLASH_CONTRAST}. Samples must be in
     * presentation order.
     */
    public static List<Double> flashTimes(List<LumaSample> samples) {
        List<Double> out = new ArrayList<>();
        if (samples.isEmpty()) {
            return out;
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (LumaSample s : samples) {
            min = Math.min(min, s.meanLuma());
            max = Math.max(max, s.meanLuma());
        }
        if (max - min < MIN_FLASH_CONTRAST) {
            return out;
        }
        double threshold = (min + max) / 2;
        boolean on = false;
        for (LumaSample s : samples) {
            boolean bright = s.meanLuma() > threshold;
            if (bright && !on) {
                out.add(s.seconds());
            }
            on = bright;
        }
        return out;
    }

    /**
     * Onsets of the tone bursts in a mono signal whose sample 0 plays at {@code startSeconds}: the first sample whose
     * magnitude reaches a quarter of the signal's peak after at least {@link #MIN_QUIET_SECONDS} below it. Empty
     * for a signal whose peak is under 0.01 (silence).
     */
    public static List<Double> burstOnsets(float[] mono, int sampleRate, double startSeconds) {
        List<Double> out = new ArrayList<>();
        float peak = 0;
        for (float v : mono) {
            peak = Math.max(peak, Math.abs(v));
        }
        if (peak < 0.01f) {
            return out;
        }
        float threshold = peak / 4;
        long quietNeeded = Math.round(MIN_QUIET_SECONDS * sampleRate);
        long quiet = quietNeeded; // the start counts as quiet
        for (int i = 0; i < mono.length; i++) {
            if (Math.abs(mono[i]) >= threshold) {
                if (quiet >= quietNeeded) {
                    out.add(startSeconds + (double) i / sampleRate);
                }
                quiet = 0;
            } else {
                quiet++;
            }
        }
        return out;
    }

    /**
     * {@code onset - flash} for each flash that has a burst onset within {@code maxDistanceSeconds} (the nearest
     * one); positive means the sound comes later than the picture.
     */
    public static List<Double> offsets(List<Double> flashTimes, List<Double> onsets, double maxDistanceSeconds) {
        List<Double> out = new ArrayList<>();
        for (double f : flashTimes) {
            Double best = null;
            for (double o : onsets) {
                if (Math.abs(o - f) <= maxDistanceSeconds && (best == null || Math.abs(o - f) < Math.abs(best - f))) {
                    best = o;
                }
            }
            if (best != null) {
                out.add(best - f);
            }
        }
        return out;
    }

    /** Mean of {@link #offsets}; NaN when no flash has a matching onset. */
    public static double meanOffset(List<Double> flashTimes, List<Double> onsets, double maxDistanceSeconds) {
        return offsets(flashTimes, onsets, maxDistanceSeconds).stream().mapToDouble(Double::doubleValue).average()
                .orElse(Double.NaN);
    }
}
