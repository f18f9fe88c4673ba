package org.mpp.testmedia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure tests of {@link SyncMarks} and of the sound {@link TestPattern} makes. */
class SyncMarksTest {

    @Test
    void flashTimesAreTheRisingEdges() {
        List<SyncMarks.LumaSample> s = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            boolean on = i == 30 || i == 60 || i == 61 || i == 90;
            s.add(new SyncMarks.LumaSample(i / 30.0, on ? 200 + i % 3 : 20 + i % 5));
        }
        assertThat(SyncMarks.flashTimes(s)).containsExactly(1.0, 2.0, 3.0);
    }

    @Test
    void noFlashesWithoutContrast() {
        List<SyncMarks.LumaSample> s = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            s.add(new SyncMarks.LumaSample(i / 30.0, 100 + (i % 7) * 4));
        }
        assertThat(SyncMarks.flashTimes(s)).isEmpty();
        assertThat(SyncMarks.flashTimes(List.of())).isEmpty();
    }

    @Test
    void burstOnsetsOfTheTestPatternAreTheWholeSeconds() {
        int rate = 48000;
        float[] mono = new float[rate * 4];
        TestPattern.paintSamples(mono, 0, mono.length, rate);
        List<Double> onsets = SyncMarks.burstOnsets(mono, rate, 0);
        assertThat(onsets).hasSize(3);
        for (int t = 1; t <= 3; t++) {
            assertThat(onsets.get(t - 1)).isCloseTo(t, within(0.0003));
        }
        // a start time shifts everything; silence has none
        assertThat(SyncMarks.burstOnsets(mono, rate, 0.5).get(0)).isCloseTo(1.5, within(0.0003));
        assertThat(SyncMarks.burstOnsets(new float[rate], rate, 0)).isEmpty();
    }

    @Test
    void burstsSurviveQuietNoise() {
        int rate = 44100;
        float[] mono = new float[rate * 3];
        TestPattern.paintSamples(mono, 0, mono.length, rate);
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < mono.length; i++) {
            mono[i] += (float) (random.nextGaussian() * 0.01);
        }
        assertThat(SyncMarks.burstOnsets(mono, rate, 0)).hasSize(2)
                .allSatisfy(t -> assertThat(t - Math.rint(t)).isCloseTo(0, within(0.0005)));
    }

    @Test
    void offsetsPairEachFlashWithTheNearestOnset() {
        List<Double> flashes = List.of(0.967, 1.967, 2.967, 5.0);
        List<Double> onsets = List.of(1.0, 2.0, 3.0);
        assertThat(SyncMarks.offsets(flashes, onsets, 0.25))
                .hasSize(3).allSatisfy(o -> assertThat(o).isCloseTo(0.033, within(1e-9)));
        assertThat(SyncMarks.meanOffset(flashes, onsets, 0.25)).isCloseTo(0.033, within(1e-9));
        assertThat(SyncMarks.meanOffset(List.of(9.0), onsets, 0.25)).isNaN();
        // sound early: negative
        assertThat(SyncMarks.offsets(List.of(1.1), onsets, 0.25)).containsExactly(1.0 - 1.1);
    }

    @Test
    void soundIsSilentOutsideTheBursts() {
        int rate = 48000;
        float[] mono = new float[rate * 3];
        TestPattern.paintSamples(mono, 0, mono.length, rate);
        int burst = (int) Math.round(TestPattern.BURST_SECONDS * rate);
        for (int i = 0; i < mono.length; i++) {
            int into = i % rate;
            boolean inBurst = i >= rate && into < burst;
            if (!inBurst) {
                assertThat(mono[i]).isZero();
            }
        }
        // painting in pieces gives the same samples as in one go
        float[] piece = new float[1000];
        TestPattern.paintSamples(piece, rate - 10, piece.length, rate);
        assertThat(piece[10]).isEqualTo(mono[rate]);
        assertThat(piece[500]).isEqualTo(mono[rate + 490]);
    }
}
