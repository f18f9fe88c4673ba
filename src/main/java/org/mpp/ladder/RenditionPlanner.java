package org.mpp.ladder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.mpp.Rational;

/**
 * The seed's rendition rules, as a pure function. Each output fits the source inside maxX × maxY keeping the
 * aspect ratio, with even dimensions, and is skipped if it would upscale; when every output would upscale,
 * one rendition is made at the source's own size under the smallest-maxY output's settings and name. The
 * frame rate is the source's nominal rate capped at the output's maxFramerate.
 */
public final class RenditionPlanner {
    private RenditionPlanner() {
    }

    /**
     * Plans the renditions of a source.
     *
     * @param stem the source file name without its extension
     * @param width the source's display width (after rotation)
     * @param height the source's display height (after rotation)
     * @param sourceRate the source's nominal frame rate
     * @param outputs the active outputs; must not be empty
     * @return the renditions, largest first; never empty
     */
    public static List<Rendition> plan(String stem, int width, int height, Rational sourceRate, List<OutputSpec> outputs) {
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("No active output: add at least one row to the output ladder");
        }
        if (width < 1 || height < 1 || !sourceRate.isPositive()) {
            throw new IllegalArgumentException("Impossible source " + width + "x" + height + " at " + sourceRate + " fps");
        }
        List<Rendition> plan = new ArrayList<>();
        for (OutputSpec spec : outputs) {
            // Compare width/height against maxX/maxY without floating point: scale = min(maxX/W, maxY/H).
            boolean heightBound = (long) spec.maxY() * width <= (long) spec.maxX() * height;
            boolean upscale = heightBound ? spec.maxY() > height : spec.maxX() > width;
            if (upscale) {
                continue;
            }
            int w;
            int h;
            if (heightBound) {
                h = evenAtMost(spec.maxY());
                w = Math.min(evenNearest((double) width * h / height), evenAtMost(spec.maxX()));
            } else {
                w = evenAtMost(spec.maxX());
                h = Math.min(evenNearest((double) height * w / width), evenAtMost(spec.maxY()));
            }
            plan.add(rendition(stem, spec, w, h, sourceRate));
        }
        if (plan.isEmpty()) {
            OutputSpec smallest = outputs.stream().min(Comparator.comparingInt(OutputSpec::maxY)).orElseThrow();
            plan.add(rendition(stem, smallest, evenAtMost(width), evenAtMost(height), sourceRate));
        }
        plan.sort(Comparator.comparingInt((Rendition r) -> r.spec().maxY()).reversed()
                .thenComparing(r -> r.spec().maxX(), Comparator.reverseOrder()));
        return List.copyOf(plan);
    }

    private static Rendition rendition(String stem, OutputSpec spec, int w, int h, Rational sourceRate) {
        Rational rate = Rational.min(sourceRate, Rational.of(spec.maxFramerate()));
        return new Rendition(spec, w, h, rate, stem + spec.maxY() + "p" + rateLabel(rate) + ".mp4");
    }

    /** "30" for whole rates, "29.97" otherwise (two decimals, trailing zeros dropped). */
    public static String rateLabel(Rational rate) {
        if (rate.den() == 1) {
            return Long.toString(rate.num());
        }
        String s = String.format(Locale.ROOT, "%.2f", rate.toDouble());
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static int evenAtMost(int v) {
        return Math.max(2, v & ~1);
    }

    private static int evenNearest(double v) {
        return Math.max(2, (int) Math.round(v / 2.0) * 2);
    }
}
