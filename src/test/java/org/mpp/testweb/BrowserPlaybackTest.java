package org.mpp.testweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.testweb.BrowserPlayback.Player;
import org.mpp.testweb.BrowserPlayback.Result;

/**
 * The harness against packages from FFmpeg's own dash muxer: a good two-level package plays in both players with
 * every level forced, and broken ones are reported, not passed.
 */
class BrowserPlaybackTest {
    private static final int[] HEIGHTS = {180, 360};

    @TempDir
    static Path dir;
    static Path good;
    static BrowserPlayback browser;

    @BeforeAll
    static void startBrowserAndWriteFixture() throws IOException {
        BrowserPlayback.assumeAvailable();
        good = StreamPackages.write(dir.resolve("good-stream"), 12, HEIGHTS);
        browser = BrowserPlayback.open();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void hlsJsPlaysThePackageAndEveryLevelCanBeForced() throws IOException {
        browser.play(good, Player.HLS).assertPlaysEveryLevel(180, 360);
    }

    @Test
    void dashJsPlaysThePackageAndEveryLevelCanBeForced() throws IOException {
        browser.play(good, Player.DASH).assertPlaysEveryLevel(180, 360);
    }

    @Test
    void aPackageWithoutItsFirstSegmentsIsReportedAsBroken() throws IOException {
        Path broken = copy(good, dir.resolve("missing-stream"));
        try (Stream<Path> files = Files.list(broken)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith("-00001.m4s")).toList()) {
                Files.delete(p);
            }
        }

        Result r = browser.play(broken, Player.HLS);

        assertThat(r.ok()).as(r.toString()).isFalse();
        assertThat(r.played()).as(r.toString()).isFalse();
        assertThat(r.errors()).as(r.toString()).anyMatch(e -> e.startsWith("HTTP 404 GET /pkg/chunk-stream"));
        assertThat(r.errors()).as(r.toString()).anyMatch(e -> e.startsWith("hls.js fatal"));
    }

    @Test
    void aLevelWithMissingSegmentsIsReportedAsNotForced() throws IOException {
        Path broken = copy(good, dir.resolve("bad-level-stream"));
        String top = topLevelSegmentPrefix(broken);
        try (Stream<Path> files = Files.list(broken)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith(top)
                    && !p.getFileName().toString().endsWith("-00001.m4s")).toList()) {
                Files.delete(p);
            }
        }

        Result r = browser.play(broken, Player.HLS);

        assertThat(r.ok()).as(r.toString()).isFalse();
        assertThat(r.forced()).as(r.toString())
                .anyMatch(c -> c.level().height() == 360 && !c.switched());
        assertThat(r.errors()).as(r.toString()).anyMatch(e -> e.startsWith("HTTP 404 GET /pkg/" + top));
    }

    @Test
    void aBrokenManifestIsReportedAsBroken() throws IOException {
        Path broken = copy(good, dir.resolve("bad-manifest-stream"));
        Path mpd = broken.resolve("manifest.mpd");
        String text = Files.readString(mpd);
        Files.writeString(mpd, text.substring(0, text.indexOf("<Period")));

        Result r = browser.play(broken, Player.DASH);

        assertThat(r.ok()).as(r.toString()).isFalse();
        assertThat(r.played()).as(r.toString()).isFalse();
        assertThat(r.errors()).as(r.toString()).anyMatch(e -> e.startsWith("dash.js error"));
    }


    /** "chunk-streamN-" of the 360p representation, read from the MPD (FFmpeg numbers streams as it muxes). */
    private static String topLevelSegmentPrefix(Path pkg) throws IOException {
        Matcher m = Pattern.compile("<Representation id=\"(\\d+)\"[^>]*height=\"360\"")
                .matcher(Files.readString(pkg.resolve("manifest.mpd")));
        assertThat(m.find()).as("a 360p representation in the fixture").isTrue();
        return "chunk-stream" + m.group(1) + "-";
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }
}
