package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mpp.Names;
import org.mpp.Rational;
import org.mpp.ladder.OutputSpec;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.media.BadInputException;
import org.mpp.store.Uuids;

/** The name rules checked at ingest ({@link OutputNames}) and the quarantine's name for long names. */
class OutputNamesTest {
    @Test
    void aRenditionNameThatFitsWithEverySuffixPassesAndOneByteMoreIsRefusedWithTheNumbers() {
        // "720p30.mp4" is 10 bytes: a stem of 212 gives a name of 222 bytes, the most that fits.
        assertThatCode(() -> OutputNames.check("s.mov", plan("x".repeat(212)))).doesNotThrowAnyException();

        assertThatThrownBy(() -> OutputNames.check("long.mov", plan("x".repeat(213))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("long.mov").hasMessageContaining("too long").hasMessageContaining("223 bytes")
                .hasMessageContaining("at most 222 bytes").hasMessageContaining("by at least 1 bytes");
    }

    @Test
    void lengthIsCountedInUtf8Bytes() {
        assertThatThrownBy(() -> OutputNames.check("é.mov", plan("é".repeat(107)))).as("214 + 10 bytes").isInstanceOf(BadInputException.class);
        assertThatCode(() -> OutputNames.check("é.mov", plan("é".repeat(106)))).doesNotThrowAnyException();
    }

    @Test
    void aLineBreakInTheSourceNameIsRefusedBecauseDeliveredFilesAreListedOnePerLine() {
        assertThatThrownBy(() -> OutputNames.check("a\nb.mp4", plan("a\nb")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("a\\nb.mp4").hasMessageContaining("line break");
    }

    @Test
    void twoRungsThatGiveOneSourceTheSameNameAreRefusedNamingBoth() {
        List<Rendition> plan = RenditionPlanner.plan("talk", 1920, 1080, Rational.of(30), List.of(
                new OutputSpec(1280, 720, 23, "veryfast", "main", 30, 128), new OutputSpec(960, 720, 23, "veryfast", "main", 30, 128)));

        assertThatThrownBy(() -> OutputNames.check("talk.mov", plan))
                .isInstanceOf(org.mpp.media.MediaException.class).isNotInstanceOf(BadInputException.class)
                .hasMessageContaining("two renditions named 'talk720p30.mp4'")
                .hasMessageContaining("1280x720 at most 30 fps and 960x720 at most 30 fps");
    }

    @Test
    void aQuarantinedNameTooLongForTheFileSystemKeepsItsExtensionAndFits() {
        UUID job = UUID.randomUUID();
        assertThat(WorkFolders.quarantineName("talk.mp4", job)).isEqualTo(Uuids.hex(job) + "-talk.mp4");

        String cut = WorkFolders.quarantineName("é".repeat(120) + ".mp4", job);

        assertThat(Names.utf8Length(cut)).isLessThanOrEqualTo(255).isGreaterThan(250);
        assertThat(cut).startsWith(Uuids.hex(job) + "-é").endsWith("é.mp4");
    }

    private static List<Rendition> plan(String stem) {
        return RenditionPlanner.plan(stem, 1280, 720, Rational.of(30), List.of(new OutputSpec(1280, 720, 23, "veryfast", "main", 30, 128)));
    }
}
