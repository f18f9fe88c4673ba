package org.mpp.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.config.Settings;
import org.mpp.testmedia.SyntheticMedia;

/** {@code mpp run}'s probe made while the node opens its database, and what the ingest then takes from it. */
class ProbesAheadTest {
    @TempDir
    Path dir;

    private final Settings.Media media = new Settings.Media(10, 2, 0, 0);

    @Test
    void theIngestStartsFromTheProbeMadeAheadOnceOnly() throws Exception {
        Path f = SyntheticMedia.builder().size(320, 180).seconds(2).write(dir.resolve("a.mp4"));
        MediaEngine engine = new MediaEngine(media);

        MediaInfo ahead = MediaEngine.probeAhead(f, media.limits()).get();

        // The very result, not a second read of the file: an equal probe would not be the same object.
        assertThat(engine.probeToCut(dir.resolve("./a.mp4"), Cancellation.none()).info()).isSameAs(ahead);
        MediaInfo again = engine.probeToCut(f, Cancellation.none()).info();
        assertThat(again).isNotSameAs(ahead).isEqualTo(ahead);
    }

    @Test
    void aFileChangedAfterItsProbeIsProbedAgain() throws Exception {
        Path f = SyntheticMedia.builder().size(320, 180).seconds(2).write(dir.resolve("b.mp4"));
        MediaInfo ahead = MediaEngine.probeAhead(f, media.limits()).get();

        Files.write(f, new byte[16], StandardOpenOption.APPEND);
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(60)));

        assertThat(new MediaEngine(media).probeToCut(f, Cancellation.none()).info()).isNotSameAs(ahead);
    }

    @Test
    void aFileReplacedUnderItsNameIsProbedAgain() throws Exception {
        Path f = SyntheticMedia.builder().size(320, 180).seconds(2).write(dir.resolve("c.mp4"));
        MediaInfo ahead = MediaEngine.probeAhead(f, media.limits()).get();
        Path other = SyntheticMedia.builder().size(160, 90).seconds(1).write(dir.resolve("other.mp4"));

        Files.move(other, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        MediaInfo now = new MediaEngine(media).probeToCut(f, Cancellation.none()).info();
        assertThat(now).isNotSameAs(ahead);
        assertThat(now.video().width()).isEqualTo(160);
    }

    @Test
    void aFailedProbeAheadLeavesTheIngestItsOwnFailure() throws IOException {
        Path f = Files.write(dir.resolve("junk.mp4"), new byte[4096]);

        assertThatThrownBy(() -> MediaEngine.probeAhead(f, media.limits()).join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> new MediaEngine(media).probeToCut(f, Cancellation.none())).isInstanceOf(BadInputException.class)
                .hasMessageContaining("junk.mp4");
    }

    @Test
    void anEngineWithOtherLimitsProbesAgain() throws Exception {
        Path f = SyntheticMedia.builder().size(320, 180).seconds(2).write(dir.resolve("d.mp4"));
        MediaEngine.probeAhead(f, media.limits()).get();
        Settings.Limits l = media.limits();
        Settings.Limits shorter = new Settings.Limits(1, l.maxSegments(), l.maxFrameGapSeconds(), l.maxAudioGapSeconds(), l.maxPixels());
        MediaEngine strict = new MediaEngine(new Settings.Media(10, 2, 0, 0, shorter));

        // The probe made ahead passed the longer limit; this engine's own probe refuses the 2 s source.
        assertThatThrownBy(() -> strict.probeToCut(f, Cancellation.none())).isInstanceOf(BadInputException.class)
                .hasMessageContaining("max-source-seconds");
    }
}
