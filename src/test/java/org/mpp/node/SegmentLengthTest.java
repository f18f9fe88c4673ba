package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mpp.config.Settings;

class SegmentLengthTest {
    /** The defaults: segments of about 10 s, a 2 s GOP. */
    private static final SegmentLength DEFAULTS = new SegmentLength(new Settings.Media(10, 2, 0, 0));

    @Test
    void aShortClipIsSharedOutAmongTheWorkersInWholeWaves() {
        assertThat(DEFAULTS.seconds(30, 2)).as("two workers: two of 15 s, not 10 + 10 + a lone 10").isEqualTo(15);
        assertThat(DEFAULTS.seconds(25, 2)).isEqualTo(12.5);
        assertThat(DEFAULTS.seconds(45, 2)).as("two waves").isEqualTo(11.25);
        assertThat(DEFAULTS.seconds(10, 2)).as("shorter than configured, one wave").isEqualTo(5);
        assertThat(DEFAULTS.seconds(30, 4)).isEqualTo(7.5);
    }

    @Test
    void aLongSourceKeepsTheConfiguredLengthInWholeWaves() {
        assertThat(DEFAULTS.seconds(600, 2)).isEqualTo(10);
        assertThat(DEFAULTS.seconds(610, 2)).as("60 segments, a whole number of waves").isEqualTo(10.167);
        assertThat(DEFAULTS.seconds(600, 32)).as("16 nodes of 2 workers: one wave of 32").isEqualTo(18.75);
        assertThat(DEFAULTS.seconds(600, 1)).isEqualTo(10);
    }

    @Test
    void neverShorterThanTheGopNorCutWhereOneSegmentDoes() {
        assertThat(DEFAULTS.seconds(30, 64)).as("15 of 2 s, not 64 of 0.47 s").isEqualTo(2);
        assertThat(DEFAULTS.seconds(3, 2)).as("one GOP and a half: one segment").isGreaterThanOrEqualTo(3);
        assertThat(DEFAULTS.seconds(1, 2)).as("a 1 s clip stays whole").isGreaterThanOrEqualTo(1);
        assertThat(DEFAULTS.seconds(15, 1)).as("one worker, less than two lengths: one segment").isGreaterThanOrEqualTo(15);
        SegmentLength oneSecond = new SegmentLength(new Settings.Media(1, 2, 0, 0));
        assertThat(oneSecond.seconds(4, 2)).as("a configured length below the GOP is kept").isEqualTo(1);
    }

    @Test
    void aSourceTheCutRefusesOrAnUnknownLengthGetTheConfiguredLength() {
        Settings.Media media = new Settings.Media(10, 2, 0, 0);
        int max = media.limits().maxSegments();
        assertThat(DEFAULTS.seconds(10.0 * max + 100, 2)).as("too long: the cut refuses it, naming the configured length").isEqualTo(10);
        assertThat((10.0 * max - 1) / DEFAULTS.seconds(10.0 * max - 1, 1_000_000)).as("a huge cluster: at most max-segments")
                .isLessThanOrEqualTo(max + 0.01);
        assertThat(DEFAULTS.seconds(Double.NaN, 2)).isEqualTo(10);
        assertThat(DEFAULTS.seconds(0, 2)).isEqualTo(10);
    }
}
