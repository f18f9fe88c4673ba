package org.mpp.ladder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mpp.Rational;

class RenditionPlannerTest {
    private static final OutputSpec P1080 = new OutputSpec(1920, 1080, 23, "superfast", "main", 60, 128);
    private static final OutputSpec P720 = new OutputSpec(1280, 720, 23, "superfast", "main", 60, 128);
    private static final OutputSpec P480 = new OutputSpec(854, 480, 23, "superfast", "main", 30, 96);
    private static final List<OutputSpec> LADDER = List.of(P480, P1080, P720);

    private static List<Rendition> plan(int w, int h, Rational fps) {
        return RenditionPlanner.plan("clip", w, h, fps, LADDER);
    }

    @Test
    void fullHdSourceGetsEveryRungLargestFirst() {
        List<Rendition> plan = plan(1920, 1080, Rational.of(30));

        assertThat(plan).extracting(Rendition::fileName).containsExactly("clip1080p30.mp4", "clip720p30.mp4", "clip480p30.mp4");
        assertThat(plan).extracting(r -> r.width() + "x" + r.height()).containsExactly("1920x1080", "1280x720", "854x480");
    }

    @Test
    void outputsThatWouldUpscaleAreSkipped() {
        List<Rendition> plan = plan(1280, 720, Rational.of(25));

        assertThat(plan).extracting(Rendition::fileName).containsExactly("clip720p25.mp4", "clip480p25.mp4");
    }

    @Test
    void whenEveryOutputWouldUpscaleTheSourceSizeIsUsedUnderTheSmallestOutput() {
        List<Rendition> plan = plan(321, 181, Rational.of(30));

        assertThat(plan).singleElement().satisfies(r -> {
            assertThat(r.spec()).isEqualTo(P480);
            assertThat(r.width()).isEqualTo(320);
            assertThat(r.height()).isEqualTo(180);
            assertThat(r.fileName()).isEqualTo("clip480p30.mp4");
        });
    }

    @Test
    void aspectRatioIsKeptWithEvenDimensions() {
        List<Rendition> plan = plan(1998, 1080, Rational.of(24));

        assertThat(plan).allSatisfy(r -> {
            assertThat(r.width() % 2).isZero();
            assertThat(r.height() % 2).isZero();
            assertThat((double) r.width() / r.height()).isCloseTo(1998.0 / 1080, org.assertj.core.data.Offset.offset(0.01));
        });
        assertThat(plan.get(0).width()).isEqualTo(1920);
        assertThat(plan.get(0).height()).isEqualTo(1038);
    }

    @Test
    void portraitSourceFitsInsideTheBox() {
        List<Rendition> plan = plan(1080, 1920, Rational.of(30));

        assertThat(plan).extracting(r -> r.width() + "x" + r.height()).containsExactly("608x1080", "406x720", "270x480");
    }

    @Test
    void frameRateIsCappedPerOutput() {
        List<Rendition> plan = plan(1920, 1080, Rational.of(60));

        assertThat(plan).extracting(Rendition::frameRate).containsExactly(Rational.of(60), Rational.of(60), Rational.of(30));
        assertThat(plan.get(2).fileName()).isEqualTo("clip480p30.mp4");
    }

    @Test
    void fractionalRatesAreNamedWithTwoDecimals() {
        List<Rendition> plan = plan(1920, 1080, Rational.of(30000, 1001));

        assertThat(plan.get(0).fileName()).isEqualTo("clip1080p29.97.mp4");
        assertThat(plan.get(0).frameRate()).isEqualTo(Rational.of(30000, 1001));
        assertThat(RenditionPlanner.rateLabel(Rational.of(25, 2))).isEqualTo("12.5");
    }

    @Test
    void anEmptyLadderIsRefused() {
        assertThatThrownBy(() -> RenditionPlanner.plan("x", 640, 360, Rational.of(30), List.of()))
                .hasMessageContaining("No active output");
    }

    @Test
    void outputFieldsOutOfRangeAreRefusedByName() {
        assertThatThrownBy(() -> new OutputSpec(1280, 720, 23, "superfast", "extreme", 60, 128))
                .hasMessageContaining("profile = extreme");
        assertThatThrownBy(() -> new OutputSpec(1280, 720, 60, "superfast", "main", 60, 128))
                .hasMessageContaining("CRF = 60");
    }
}
