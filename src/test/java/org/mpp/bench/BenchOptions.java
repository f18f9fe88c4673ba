package org.mpp.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the benchmark. {@code --tiny} is the smoke mode CI runs; without it the defaults are those
 * of issue 5 (1920x1080, 30 fps, 60 s source; 3 runs of every timed measurement).
 *
 * <pre>
 * --tiny                 small source, one run, small counts (checks the harness, not the figures)
 * --only=e2e,claims,...  run only these sections (ids: e2e, overhead, scale, claims, memory, quality, cold, longjob)
 * --runs=N               repetitions of each timed measurement (median reported)
 * --seconds=S --width=W --height=H --fps=F   the source clip
 * --long-seconds=S       the length of the longjob section's 1080p30 source (default 600: issue 13's 10-minute job)
 * --out=DIR              where results.json and results.md go (default bench-results)
 * --cache=DIR            where generated sources are kept between runs (default bench-results/cache)
 * --set=mpp.KEY=VALUE    a setting for the MPP nodes of the e2e and overhead sections (repeatable), to try variants
 * </pre>
 */
record BenchOptions(boolean tiny, Set<String> only, int runs, double seconds, int width, int height, int fps, Path out, Path cache,
        Map<String, Object> settings, double longSeconds) {
    static BenchOptions parse(String... args) {
        boolean tiny = Arrays.asList(args).contains("--tiny");
        Set<String> only = new LinkedHashSet<>();
        int runs = tiny ? 1 : 3;
        double seconds = tiny ? 4 : 60;
        int width = tiny ? 640 : 1920;
        int height = tiny ? 360 : 1080;
        int fps = 30;
        Path out = Path.of("bench-results");
        Path cache = null;
        Map<String, Object> settings = new LinkedHashMap<>();
        double longSeconds = 600;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            String v = kv.length == 2 ? kv[1] : null;
            switch (kv[0]) {
                case "--tiny" -> {
                }
                case "--only" -> only.addAll(Arrays.asList(v.split(",")));
                case "--runs" -> runs = Integer.parseInt(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--long-seconds" -> longSeconds = Double.parseDouble(v);
                case "--width" -> width = Integer.parseInt(v);
                case "--height" -> height = Integer.parseInt(v);
                case "--fps" -> fps = Integer.parseInt(v);
                case "--out" -> out = Path.of(v);
                case "--cache" -> cache = Path.of(v);
                case "--set" -> {
                    String[] setting = v.split("=", 2);
                    settings.put(setting[0], setting[1]);
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (see BenchOptions)");
            }
        }
        return new BenchOptions(tiny, Set.copyOf(only), runs, seconds, width, height, fps, out, cache != null ? cache : out.resolve("cache"),
                Map.copyOf(settings), longSeconds);
    }

    boolean wants(String section) {
        return only.isEmpty() || only.contains(section);
    }
}
