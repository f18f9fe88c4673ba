package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliHelpTest {
    @TempDir
    Path tmp;

    private void helpOf(String command, String... expected) {
        CliFixture.Run r = new CliFixture(tmp).run((command + " --help").split(" "));
        assertThat(r.exit()).as(command).isZero();
        assertThat(r.out()).as(command).contains(expected);
    }

    @Test
    void everyOperatorCommandHasHelp() {
        helpOf("", "submit", "status", "jobs", "nodes", "outputs", "policy", "db");
        helpOf("submit", "FILE", "--priority", "--json");
        helpOf("status", "--json", "--limit");
        helpOf("jobs", "pause", "resume", "priority", "retry", "delete", "--json");
        for (String sub : new String[] {"pause", "resume", "retry", "delete"}) {
            helpOf("jobs " + sub, "ID");
        }
        helpOf("jobs priority", "ID", "N");
        helpOf("nodes", "authorise", "deauthorise", "terminate", "--json");
        helpOf("nodes terminate", "ID");
        helpOf("outputs", "add", "set", "enable", "disable", "--json");
        helpOf("outputs add", "--max-x", "--max-y", "--crf", "--preset", "--profile", "--max-framerate", "--audio-bitrate");
        helpOf("outputs set", "ID", "--crf");
        helpOf("outputs disable", "ID");
        helpOf("policy", "set", "--json");
        helpOf("policy set", "NAME", "VALUE");
        helpOf("db", "migrate");
        helpOf("db migrate", "version");
    }
}
