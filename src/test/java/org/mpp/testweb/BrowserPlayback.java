package org.mpp.testweb;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Plays a stream package in headless Chromium with hls.js or dash.js and reports what happened.
 *
 * <pre>{@code
 * BrowserPlayback.assumeAvailable();              // skips without a browser, fails under CI=true
 * try (BrowserPlayback browser = BrowserPlayback.open()) {
 *     BrowserPlayback.Result r = browser.play(packageDir, BrowserPlayback.Player.HLS);
 *     assertThat(r.ok()).as(r.toString()).isTrue();
 * }
 * }</pre>
 *
 * <p>{@link #play} serves {@code packageDir} (its {@code master.m3u8} or {@code manifest.mpd}) from 127.0.0.1, loads
 * the player page, waits until playback passes {@link Limits#playSeconds()}, then forces every video level in turn
 * and checks that the picture takes that level's height and keeps moving. Every wait is bounded by {@link Limits};
 * a fatal player error ends the wait at once, so a broken package fails in seconds. Not thread-safe: one browser,
 * one play at a time. Needs the Debian packages chromium and chromium-driver and {@code npm ci} in
 * {@code src/test/players} ({@link #assumeAvailable()}).
 */
public final class BrowserPlayback implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    /** The player and the page it runs in; the package entry point it opens. */
    public enum Player {
        /** hls.js on {@code master.m3u8}. */
        HLS("hls.html", "master.m3u8"),
        /** dash.js on {@code manifest.mpd}. */
        DASH("dash.html", "manifest.mpd");

        private final String page;
        private final String manifest;

        Player(String page, String manifest) {
            this.page = page;
            this.manifest = manifest;
        }

        /** The file in the package that this player opens. */
        public String manifest() {
            return manifest;
        }
    }

    /**
     * Bounds of one {@link #play}.
     *
     * @param start          time allowed to reach {@code playSeconds} after the page loads
     * @param perLevel       time allowed for one forced level to show and then advance {@code advanceSeconds}
     * @param playSeconds    how far playback must get for {@link Result#played()}
     * @param advanceSeconds how far playback must move on after a forced switch
     */
    public record Limits(Duration start, Duration perLevel, double playSeconds, double advanceSeconds) {
        /** 20 s to pass 3 s of media; 10 s per level to switch and then play 1 s on. */
        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(20), Duration.ofSeconds(10), 3.0, 1.0);
        }
    }

    /** A video level as the player saw it: its index in the player's own list, size and bitrate in bit/s. */
    public record Level(int index, int width, int height, long bitrate) {
    }

    /**
     * One forced level.
     *
     * @param level       the level forced
     * @param switched    the player reported that level as current and the video element had its height
     * @param videoHeight {@code video.videoHeight} when the wait ended
     * @param playerLevel the level the player reported as current when the wait ended (-1: none)
     * @param timeAtSwitch {@code currentTime} when the switch was seen (NaN if it never was)
     * @param timeAfter   {@code currentTime} when the wait for playback to move on ended
     * @param advanced    playback moved at least {@link Limits#advanceSeconds()} after the switch
     */
    public record LevelCheck(Level level, boolean switched, int videoHeight, int playerLevel, double timeAtSwitch,
                             double timeAfter, boolean advanced) {
        /** Switched and still playing. */
        public boolean ok() {
            return switched && advanced;
        }
    }

    /**
     * What one {@link #play} saw.
     *
     * @param player  the player used
     * @param played  playback reached {@link Limits#playSeconds()}
     * @param maxTime the furthest {@code currentTime} seen, in seconds
     * @param errors  player error events (fatal or not), page errors, severe console messages, and HTTP requests the
     *                server could not answer, in that order; empty when nothing went wrong
     * @param levels  the video levels the player found
     * @param forced  one check per level forced, in the order forced (empty when playback never started)
     */
    public record Result(Player player, boolean played, double maxTime, List<String> errors, List<Level> levels,
                         List<LevelCheck> forced) {
        /** Played, no error, at least one level, and every level could be forced. */
        public boolean ok() {
            return played && errors.isEmpty() && !levels.isEmpty() && forced.size() == levels.size()
                    && forced.stream().allMatch(LevelCheck::ok);
        }

        /** Asserts, each with this whole result as its description: no error, played past 3 s, these levels, each forced. */
        public void assertPlaysEveryLevel(Integer... heights) {
            org.assertj.core.api.Assertions.assertThat(errors).as(toString()).isEmpty();
            org.assertj.core.api.Assertions.assertThat(played).as(toString()).isTrue();
            org.assertj.core.api.Assertions.assertThat(maxTime).as(toString()).isGreaterThan(3.0);
            org.assertj.core.api.Assertions.assertThat(levels).as(toString()).extracting(Level::height).containsExactlyInAnyOrder(heights);
            org.assertj.core.api.Assertions.assertThat(forced).as(toString()).hasSize(heights.length).allMatch(LevelCheck::ok);
            org.assertj.core.api.Assertions.assertThat(ok()).as(toString()).isTrue();
        }
    }

    private final BrowserSetup setup;
    private final Limits limits;
    private final ChromeDriver driver;

    private BrowserPlayback(BrowserSetup setup, Limits limits) {
        this.setup = setup;
        this.limits = limits;
        this.driver = setup.startDriver(limits.start());
    }

    /**
     * What {@link #open} would need but is missing (Chromium, chromedriver, player files), each with how to get it;
     * empty when all is there.
     */
    public static List<String> missing() {
        return BrowserSetup.fromEnvironment().missing();
    }

    /**
     * For JUnit: returns when a browser test can run; otherwise aborts the test (skipped), or, when the environment
     * variable CI is {@code true}, fails it with the list of what is missing, since CI installs all of it.
     */
    public static void assumeAvailable() {
        List<String> missing = missing();
        String message = "browser playback needs: " + String.join("; ", missing);
        if (!missing.isEmpty() && "true".equals(System.getenv("CI"))) {
            Assertions.fail(message + " — .ci/run installs these; CI must not skip the browser test");
        }
        Assumptions.assumeTrue(missing.isEmpty(), message);
    }

    /** Starts headless Chromium with {@link Limits#defaults()}. */
    public static BrowserPlayback open() {
        return open(Limits.defaults());
    }

    /** Starts headless Chromium; throws {@link IllegalStateException} naming what is missing. */
    public static BrowserPlayback open(Limits limits) {
        BrowserSetup setup = BrowserSetup.fromEnvironment();
        if (!setup.missing().isEmpty()) {
            throw new IllegalStateException("cannot start the browser, missing: " + String.join("; ", setup.missing()));
        }
        return new BrowserPlayback(setup, limits);
    }

    /**
     * Plays {@code packageDir} with {@code player}, forces each video level, and reports. Does not throw for a
     * package that does not play: that is in the {@link Result}. Throws {@link IOException} if the package cannot
     * be served at all (no such folder).
     */
    public Result play(Path packageDir, Player player) throws IOException {
        try (PackageServer server = PackageServer.start(packageDir, setup.playerFiles())) {
            driver.manage().logs().get(LogType.BROWSER); // drop what an earlier play left
            driver.get(server.baseUrl() + player.page + "?src=/pkg/" + player.manifest);
            Snapshot s = waitFor(limits.start(), x -> x.maxTime >= limits.playSeconds());
            boolean played = s.maxTime >= limits.playSeconds();
            List<LevelCheck> forced = new ArrayList<>();
            if (played && !s.fatal) {
                // The level playing now goes last, so that the first forced level is a real switch.
                int current = s.level;
                List<Level> order = new ArrayList<>(s.levels);
                order.sort(Comparator.comparing(l -> l.index() == current));
                for (Level level : order) {
                    LevelCheck check = force(level);
                    forced.add(check);
                    if (!check.ok()) {
                        break;
                    }
                }
            }
            Snapshot end = snapshot();
            List<String> errors = new ArrayList<>(end.errors);
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                if (e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                    errors.add("console: " + e.getMessage());
                }
            }
            server.failures().forEach(f -> errors.add("HTTP " + f));
            double maxTime = Math.max(s.maxTime, end.maxTime);
            return new Result(player, played, maxTime, List.copyOf(errors), end.levels, List.copyOf(forced));
        } finally {
            driver.get("about:blank"); // stop the player before its server goes
        }
    }

    @Override
    public void close() {
        driver.quit();
    }

    private LevelCheck force(Level level) {
        driver.executeScript("mpp.forceLevel(arguments[0])", level.index());
        Snapshot s = waitFor(limits.perLevel(), x -> shows(x, level));
        if (!shows(s, level)) {
            return new LevelCheck(level, false, s.videoHeight, s.level, Double.NaN, s.time, false);
        }
        double at = s.time;
        Snapshot after = waitFor(limits.perLevel(), x -> x.time >= at + limits.advanceSeconds());
        boolean advanced = after.time >= at + limits.advanceSeconds() && shows(after, level);
        return new LevelCheck(level, true, after.videoHeight, after.level, at, after.time, advanced);
    }

    private static boolean shows(Snapshot s, Level level) {
        return s.level == level.index() && s.videoHeight == level.height();
    }

    /** Polls the page until {@code done} or a fatal error or {@code limit}; returns the last snapshot. */
    private Snapshot waitFor(Duration limit, Predicate<Snapshot> done) {
        AtomicReference<Snapshot> last = new AtomicReference<>();
        try {
            await().atMost(limit).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(this::snapshot, x -> {
                        last.set(x);
                        return x.fatal || done.test(x);
                    });
        } catch (ConditionTimeoutException timedOut) {
            // the last snapshot says how far it got
        }
        return last.get() != null ? last.get() : snapshot();
    }

    private Snapshot snapshot() {
        Object state = driver.executeScript("return window.mpp ? mpp.state() : null");
        return Snapshot.of(state);
    }

    /** window.mpp.state() as Java values. */
    private record Snapshot(double time, double maxTime, int videoHeight, int level, boolean fatal,
                            List<String> errors, List<Level> levels) {
        static Snapshot of(Object state) {
            if (!(state instanceof Map<?, ?> m)) {
                return new Snapshot(0, 0, 0, -1, true, List.of("page: window.mpp missing (page did not load)"),
                        List.of());
            }
            List<Level> levels = new ArrayList<>();
            for (Object o : (List<?>) m.get("levels")) {
                Map<?, ?> l = (Map<?, ?>) o;
                levels.add(new Level(num(l.get("index")).intValue(), num(l.get("width")).intValue(),
                        num(l.get("height")).intValue(), num(l.get("bitrate")).longValue()));
            }
            List<String> errors = ((List<?>) m.get("errors")).stream().map(String::valueOf).toList();
            return new Snapshot(num(m.get("time")).doubleValue(), num(m.get("maxTime")).doubleValue(),
                    num(m.get("videoHeight")).intValue(), num(m.get("level")).intValue(),
                    Boolean.TRUE.equals(m.get("fatal")), errors, List.copyOf(levels));
        }

        private static Number num(Object o) {
            return o instanceof Number n ? n : Double.NaN;
        }
    }
}
