package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.ladder.OutputSpec;
import org.mpp.store.ControlStore;
import org.mpp.store.ControlStore.OutputRow;

class OutputsCommandTest {
    @TempDir
    Path tmp;
    CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(tmp);
    }

    private List<OutputRow> rows() {
        return cli.db(db -> new ControlStore(db).outputs());
    }

    @Test
    void outputsListsTheSeedLadder() {
        CliFixture.Run r = cli.run("outputs");

        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().map(l -> List.of(l.split("\\s+")))).containsExactly(
                List.of("ID", "ACTIVE", "MAXX", "MAXY", "CRF", "PRESET", "PROFILE", "MAXFRAMERATE", "AUDIOBITRATE"),
                List.of("1", "yes", "1920", "1080", "23", "superfast", "main", "60", "128"),
                List.of("2", "yes", "1280", "720", "23", "superfast", "main", "60", "128"));
    }

    @Test
    void addUsesTheDefaultsForOptionsLeftOut() {
        CliFixture.Run r = cli.run("outputs", "add", "--max-x", "854", "--max-y", "480");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Added output 3:");
        assertThat(rows().get(2)).isEqualTo(new OutputRow(3, true, new OutputSpec(854, 480, 23, "superfast", "main", 60, 128)));
        JsonNode added = cli.run("outputs", "--json").json().get(2);
        assertThat(added.get("maxY").asInt()).isEqualTo(480);
        assertThat(added.get("active").asBoolean()).isTrue();
    }

    @Test
    void setChangesOnlyTheGivenOptions() {
        CliFixture.Run r = cli.run("outputs", "set", "2", "--crf", "28", "--profile", "high");

        assertThat(r.exit()).isZero();
        assertThat(rows().get(1).spec()).isEqualTo(new OutputSpec(1280, 720, 28, "superfast", "high", 60, 128));
        assertThat(rows().get(0).spec().crf()).isEqualTo(23);
    }

    @Test
    void disableAndEnableAnOutput() {
        assertThat(cli.run("outputs", "disable", "1").exit()).isZero();
        assertThat(rows().get(0).active()).isFalse();
        assertThat(cli.run("outputs").out().lines().skip(1).findFirst()).hasValueSatisfying(l -> assertThat(l).startsWith("1   no"));

        assertThat(cli.run("outputs", "enable", "1").exit()).isZero();
        assertThat(rows().get(0).active()).isTrue();
    }

    @Test
    void badValuesAreUsageErrorsNamingTheFieldAndChangeNothing() {
        CliFixture.Run add = cli.run("outputs", "add", "--max-x", "854", "--max-y", "480", "--crf", "99");
        CliFixture.Run set = cli.run("outputs", "set", "1", "--preset", "warp");

        assertThat(add.exit()).isEqualTo(2);
        assertThat(add.err().strip()).isEqualTo("output CRF = 99 is not allowed: use 0 to 51");
        assertThat(set.exit()).isEqualTo(2);
        assertThat(set.err()).contains("output preset = warp is not allowed");
        assertThat(rows()).hasSize(2);
        assertThat(rows().get(0).spec().preset()).isEqualTo("superfast");
    }

    @Test
    void anUnknownOutputIsExitOne() {
        CliFixture.Run r = cli.run("outputs", "disable", "9");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("FAILED: no output 9 (mpp outputs lists them)");
        assertThat(cli.run("outputs", "set", "9", "--crf", "20").exit()).isEqualTo(1);
    }

    @Test
    void aMissingRequiredOptionIsAUsageError() {
        CliFixture.Run r = cli.run("outputs", "add", "--max-x", "854");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--max-y");
    }
}
