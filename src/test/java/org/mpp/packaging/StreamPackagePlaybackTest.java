package org.mpp.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.config.Settings;
import org.mpp.ladder.OutputSpec;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.pipeline.LocalTranscoder;
import org.mpp.testmedia.SyntheticMedia;
import org.mpp.testweb.BrowserPlayback;
import org.mpp.testweb.BrowserPlayback.Player;

/**
 * MPP's own package, made by the whole local pipeline, plays in headless Chromium through hls.js and dash.js, every
 * level forced in turn: three renditions (one at a lower frame rate cap) and two audio bit rates.
 */
class StreamPackagePlaybackTest {
    private static final List<OutputSpec> LADDER = List.of(
            new OutputSpec(640, 360, 26, "ultrafast", "high", 30, 128),
            new OutputSpec(426, 240, 26, "ultrafast", "main", 30, 96),
            new OutputSpec(320, 180, 28, "ultrafast", "baseline", 15, 96));

    @TempDir
    static Path dir;
    static Path pkg;
    static BrowserPlayback browser;

    @BeforeAll
    static void transcodeAndStartBrowser() throws IOException {
        BrowserPlayback.assumeAvailable();
        Path source = SyntheticMedia.builder().size(640, 360).fps(30).seconds(12).audio(2, 48000).write(dir.resolve("clip.mp4"));
        MediaEngine media = new MediaEngine(new Settings.Media(4.0, 2.0, 0, 0));
        LocalTranscoder transcoder = new LocalTranscoder(media, LADDER, dir.resolve("work"), false, Settings.Packaging.defaults());
        LocalTranscoder.Result result = transcoder.transcode(source, dir.resolve("out"), (s, f) -> { }, Cancellation.none());
        assertThat(result.manifests()).extracting(p -> p.getFileName().toString()).containsExactly("master.m3u8", "manifest.mpd");
        pkg = result.manifests().get(0).getParent();
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
        browser.play(pkg, Player.HLS).assertPlaysEveryLevel(360, 240, 180);
    }

    @Test
    void dashJsPlaysThePackageAndEveryLevelCanBeForced() throws IOException {
        browser.play(pkg, Player.DASH).assertPlaysEveryLevel(360, 240, 180);
    }

}
