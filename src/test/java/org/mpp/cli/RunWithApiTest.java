package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.testmedia.SyntheticMedia;

class RunWithApiTest {
    @TempDir
    Path tmp;

    @Test
    void runWithApiServesTheApiWhileItRunsAndPrintsItsUrl() throws Exception {
        CliFixture cli = new CliFixture(tmp);
        cli.file("test.conf", "mpp.work.dir = \"" + cli.work().toString().replace('\\', '/') + "\"\nmpp.api.port = 0\n"
                + "mpp.media.segment-seconds = 1\n"
                + "mpp.ladder = [{ maxX = 320, maxY = 240, crf = 30, preset = ultrafast, profile = main, maxFramerate = 30, audioBitrate = 64 }]\n");
        Path clip = SyntheticMedia.builder().seconds(1).size(320, 240).write(tmp.resolve("a.mp4"));

        CliFixture.Run r = cli.run("run", "--api", clip.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("API at http://127\\.0\\.0\\.1:[1-9][0-9]* \\(Authorization: Bearer KEY");
    }

    @Test
    void helpListsTheKeysCommandAndTheApiOption() {
        CliFixture cli = new CliFixture(tmp);
        assertThat(cli.run("--help").out()).contains("keys");
        assertThat(cli.run("run", "--help").out()).contains("--api");
        assertThat(cli.run("demo", "--help").out()).contains("--api");
    }
}
