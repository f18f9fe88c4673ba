package org.mpp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path dir;

    private Path conf(String text) throws IOException {
        Path f = dir.resolve("application.conf");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void defaultsComeFromReferenceConf() throws IOException {
        Settings s = Settings.load(Optional.of(conf("")));

        assertThat(s.db().url()).isEmpty();
        assertThat(s.work().sourceDir()).isEqualTo(Path.of("work", "source"));
        assertThat(s.work().deliveryDir()).isEmpty();
        assertThat(s.node().roles()).isEqualTo(new Settings.Roles(1, 2, 1));
        assertThat(s.node().lease()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(s.media().segmentSeconds()).isEqualTo(10.0);
        assertThat(s.ladder()).extracting(o -> o.maxY()).containsExactly(1080, 720, 480);
        assertThat(s.ladder().get(0).preset()).isEqualTo("superfast");
    }

    @Test
    void packagingDefaultsToEveryFormatWithFourSecondSegmentsAndChecksItsValues() throws IOException {
        Settings s = Settings.load(Optional.of(conf("")));
        assertThat(s.packaging()).isEqualTo(Settings.Packaging.defaults());
        assertThat(Settings.load(Optional.of(conf("mpp.packaging.formats = [HLS, mp4]\nmpp.packaging.segment-seconds = 6\n"))).packaging())
                .isEqualTo(new Settings.Packaging(java.util.Set.of(Settings.Format.HLS, Settings.Format.MP4), 6, 5));

        assertThatThrownBy(() -> Settings.load(Optional.of(conf("mpp.packaging.segment-seconds = 3\n"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("mpp.packaging.segment-seconds")
                .hasMessageContaining("whole multiple of mpp.media.gop-seconds (2.0)").hasMessageContaining("application.conf");
        assertThatThrownBy(() -> Settings.load(Optional.of(conf("mpp.packaging.formats = [mp4, webm]\n"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'webm' is not a format");
        assertThatThrownBy(() -> Settings.load(Optional.of(conf("mpp.packaging.formats = []\n"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least one of mp4, hls, dash");
    }

    @Test
    void theFileOverridesDefaults() throws IOException {
        Settings s = Settings.load(Optional.of(conf("mpp.node.roles.transcode = 4\nmpp.work.delivery-dir = /srv/out\n")));

        assertThat(s.node().roles().transcode()).isEqualTo(4);
        assertThat(s.work().deliveryDir()).contains(Path.of("/srv/out"));
    }

    @Test
    void aMistypedValueFailsNamingTheKeyAndTheFile() throws IOException {
        Path f = conf("mpp {\n  media.segment-seconds = ten\n}\n");

        assertThatThrownBy(() -> Settings.load(Optional.of(f)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("segment-seconds")
                .hasMessageContaining("application.conf")
                .hasMessageContaining("2");
    }

    @Test
    void anUnknownKeyFailsNamingIt() throws IOException {
        Path f = conf("mpp.node.roles.transcoder = 2\n");

        assertThatThrownBy(() -> Settings.load(Optional.of(f)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("mpp.node.roles.transcoder")
                .hasMessageContaining("unknown setting");
    }

    @Test
    void aBadLadderFieldFailsNamingTheRung() throws IOException {
        Path f = conf("mpp.ladder = [ { maxX = 640, maxY = 360, crf = 23, preset = fastest, profile = main, maxFramerate = 30, audioBitrate = 96 } ]\n");

        assertThatThrownBy(() -> Settings.load(Optional.of(f)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("mpp.ladder[0]")
                .hasMessageContaining("preset = fastest");
    }

    @Test
    void negativeWorkerCountsAreRefused() throws IOException {
        Path f = conf("mpp.node.roles.export = -1\n");

        assertThatThrownBy(() -> Settings.load(Optional.of(f))).hasMessageContaining("mpp.node.roles.export");
    }

    @Test
    void theWorkFolderPausesClaimsBelow512MiBAndRetriesAFullDiskAfter10SecondsByDefault() throws IOException {
        Settings s = Settings.load(Optional.of(conf("")));

        assertThat(s.work().minFreeBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(s.work().fullRetry()).isEqualTo(java.time.Duration.ofSeconds(10));
    }

    @Test
    void theMinimumFreeSpaceTakesFractionsOfAMebibyteAndZeroTurnsThePauseOff() throws IOException {
        assertThat(Settings.load(Optional.of(conf("mpp.work.min-free-mb = 0.25\n"))).work().minFreeBytes()).isEqualTo(256L * 1024);
        assertThat(Settings.load(Optional.of(conf("mpp.work.min-free-mb = 0\n"))).work().minFreeBytes()).isZero();
    }

    @Test
    void aNegativeMinimumFreeSpaceFailsNamingTheKeyAndTheFile() throws IOException {
        Path f = conf("mpp.work.min-free-mb = -1\n");

        assertThatThrownBy(() -> Settings.load(Optional.of(f)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("mpp.work.min-free-mb")
                .hasMessageContaining("application.conf");
    }

    @Test
    void aMistypedMinimumFreeSpaceOrAZeroRetryDelayFailsNamingTheKey() throws IOException {
        Path typo = conf("mpp.work.min-free-mb = lots\n");
        assertThatThrownBy(() -> Settings.load(Optional.of(typo))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("min-free-mb");
        Path zero = conf("mpp.work.full-retry-seconds = 0\n");
        assertThatThrownBy(() -> Settings.load(Optional.of(zero))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("mpp.work.full-retry-seconds");
    }

    @Test
    void aMissingConfigFileNamedOnTheCommandLineIsAnError() {
        assertThatThrownBy(() -> Settings.load(Optional.of(dir.resolve("nope.conf"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("nope.conf");
    }

    @Test
    void noStatementOrSocketWaitOutlivesTheLeaseByDefault() throws IOException {
        Settings s = Settings.load(Optional.of(conf("")));

        assertThat(s.db().statementTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(s.db().socketTimeout()).isEqualTo(java.time.Duration.ofSeconds(20));
        assertThat(s.db().socketTimeout()).isLessThan(s.node().lease());
    }

    @Test
    void theStatementTimeoutFollowsTheLeaseUnlessSet() throws IOException {
        assertThat(Settings.load(Optional.of(conf("mpp.node.lease-seconds = 2\nmpp.node.heartbeat-seconds = 0.2\n"))).db().statementTimeout())
                .isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(Settings.load(Optional.of(conf("mpp.db.statement-timeout = 4\n"))).db().statementTimeout())
                .isEqualTo(java.time.Duration.ofSeconds(4));
    }

    @Test
    void aStatementTimeoutAsLongAsTheLeaseOrASocketTimeoutBelowItFailsNamingTheKey() throws IOException {
        Path tooLong = conf("mpp.db.statement-timeout = 30\n");
        assertThatThrownBy(() -> Settings.load(Optional.of(tooLong))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statement-timeout").hasMessageContaining("lease");
        Path socket = conf("mpp.db.socket-timeout = 5\n");
        assertThatThrownBy(() -> Settings.load(Optional.of(socket))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("socket-timeout");
    }

    @Test
    void limitsOnHostileMediaAndTheTaskWatchdogHaveDefaults() throws IOException {
        Settings s = Settings.load(Optional.of(conf("")));

        assertThat(s.media().limits()).isEqualTo(new Settings.Limits(21600, 5000, 300, 300, 8192L * 8192));
        assertThat(s.node().taskStall()).isEqualTo(java.time.Duration.ofMinutes(20));
        assertThat(new Settings.Media(1, 2, 0, 0).limits()).isEqualTo(s.media().limits());
    }

    @Test
    void limitsCanBeChangedAndMustBePositive() throws IOException {
        Settings s = Settings.load(Optional.of(conf("mpp.media.max-segments = 7\nmpp.node.task-stall-seconds = 1.5\n")));

        assertThat(s.media().limits().maxSegments()).isEqualTo(7);
        assertThat(s.node().taskStall()).isEqualTo(java.time.Duration.ofMillis(1500));
        Path f = conf("mpp.media.max-pixels = 0\n");
        assertThatThrownBy(() -> Settings.load(Optional.of(f))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("max-pixels");
    }
}
