package org.mpp;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import org.mpp.testmedia.SyntheticMedia;

/** An application embeds MPP without the CLI; two engines live side by side in one JVM. */
class EmbeddingTest {
    @TempDir
    Path dir;

    private Mpp engine(String name) {
        return Mpp.create(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.media.segment-seconds = 1
                mpp.node.heartbeat-seconds = 0.2
                mpp.node.lease-seconds = 2
                mpp.node.poll-millis = 50
                """.formatted(dir.resolve(name))));
    }

    @Test
    void twoEnginesInOneJvmEachTranscodeTheirOwnFiles() throws Exception {
        try (Mpp a = engine("a"); Mpp b = engine("b")) {
            UUID ja = a.submit(SyntheticMedia.builder().seconds(1).write(dir.resolve("one.mp4")));
            UUID jb = b.submit(SyntheticMedia.builder().seconds(1).write(dir.resolve("two.mp4")));
            List<Double> progress = new ArrayList<>();

            JobView da = a.await(ja, Duration.ofSeconds(60), v -> progress.add(v.progress()));
            JobView db = b.await(jb, Duration.ofSeconds(60), v -> { });

            assertThat(da.status()).isEqualTo(Status.COMPLETE);
            assertThat(db.status()).isEqualTo(Status.COMPLETE);
            assertThat(da.deliveredFiles().lines().findFirst().orElseThrow()).startsWith(dir.resolve("a").toString()).endsWith("one720p30.mp4");
            assertThat(db.deliveredFiles().lines().findFirst().orElseThrow()).startsWith(dir.resolve("b").toString()).endsWith("two720p30.mp4");
            assertThat(da.deliveredFiles().lines()).as("the streaming package's manifests follow the rendition").hasSize(3)
                    .allSatisfy(l -> assertThat(Path.of(l)).isRegularFile());
            assertThat(progress).isSorted().last().isEqualTo(1.0);
            assertThat(b.job(ja)).as("engines do not share jobs").isEmpty();
        }
    }

    @Test
    void aBadSettingFailsAtCreationNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Mpp.create(ConfigFactory.parseString("mpp.node.roles.ingest = many")))
                .isInstanceOf(org.mpp.config.ConfigurationException.class)
                .hasMessageContaining("mpp.node.roles.ingest");
    }
}
