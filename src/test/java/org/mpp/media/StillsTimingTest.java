package org.mpp.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.testmedia.SyntheticMedia;

/**
 * The stills of a 60 s 1080p job (renditions 1080p, 720p, 360p at 30 fps, 2 s GOPs) take well under a second. Encoding
 * the three renditions takes a minute or two on 2 cores, so it runs only when asked: {@code -Dmpp.timing=true}.
 */
@EnabledIfSystemProperty(named = "mpp.timing", matches = "true")
class StillsTimingTest {
    private static final int RUNS = 5;

    @TempDir
    Path dir;

    @Test
    void stillsOfASixtySecondFullHdJobTakeWellUnderASecond() throws IOException {
        Path p1080 = rendition("1080.mp4", 1920, 1080);
        Path p720 = rendition("720.mp4", 1280, 720);
        Path p360 = rendition("360.mp4", 640, 360);

        double cold = seconds(p1080, p360, 60, "cold");
        double[] from1080 = new double[RUNS];
        double[] from720 = new double[RUNS];
        double[] worst = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            from1080[i] = seconds(p1080, p360, 60, "a" + i);
            from720[i] = seconds(p720, p360, 60, "b" + i);
            // 10 % of 59.9 s is 5.99 s, just before a keyframe: the poster decodes a whole GOP of 1080p.
            worst[i] = seconds(p1080, p360, 59.9, "c" + i);
        }

        System.out.printf(Locale.ROOT, "stills of 60 s 1080p, 12 tiles from 360p: first call %.3f s; median of %d: poster from 1080p"
                + " %.3f s, from 720p %.3f s, from 1080p a GOP away from a keyframe %.3f s%n", cold, RUNS, median(from1080),
                median(from720), median(worst));
        assertThat(median(from1080)).isLessThan(0.5);
        assertThat(median(from720)).isLessThan(0.5);
        assertThat(median(worst)).isLessThan(0.5);
    }

    private double seconds(Path poster, Path tiles, double duration, String name) {
        long t0 = System.nanoTime();
        Thumbnails t = Stills.write(poster, tiles, duration, 5, 160, 1280, 0, dir.resolve(name), Cancellation.none());
        double s = (System.nanoTime() - t0) / 1e9;
        assertThat(t.tiles()).hasSize(12);
        assertThat(t.posterWidth()).isEqualTo(1280);
        return s;
    }

    private Path rendition(String name, int width, int height) throws IOException {
        return SyntheticMedia.builder().size(width, height).fps(30).seconds(60).gop(60).noAudio().write(dir.resolve(name));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
