package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.store.JobView;
import org.mpp.store.Status;
import org.mpp.store.Uuids;
import org.mpp.testmedia.FrameCode;
import org.mpp.testmedia.MediaDecoder;
import org.mpp.testmedia.MediaDecoder.VideoFrame;
import org.mpp.testmedia.SyntheticMedia;

/**
 * The streaming package's poster and thumbnails come from the segments' transcodes, which run on every node at once,
 * instead of from decoding the finished renditions after the last segment (issue 13: the serial share of a long job).
 */
class TakenStillsTest {
    @TempDir
    Path dir;

    @Test
    void eachThumbnailShowsTheFrameAtItsStartAsTheTranscodesTookIt() throws Exception {
        Settings settings = Settings.from(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.media.segment-seconds = 3
                mpp.node.poll-millis = 50
                """.formatted(dir.resolve("work"))).withFallback(ConfigFactory.defaultReference()).resolve());
        JobView done;
        try (Node node = Node.builder(settings).build()) {
            MppClient client = MppClient.create(node.database(), settings);
            // Segments of 0-3, 3-6, 6-9 and 9-13 s: tiles at 0, 5 and 10 s, the poster at 1.3 s; the third segment takes none.
            UUID job = client.submit(SyntheticMedia.builder().seconds(13).noAudio().write(dir.resolve("t.mp4")), 0);
            node.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> client.job(job).orElseThrow().finished());
            done = client.job(job).orElseThrow();
        }

        assertThat(done.status()).isEqualTo(Status.COMPLETE);
        Path pkg = dir.resolve("work/export").resolve(Uuids.hex(done.uuid())).resolve("t-stream");
        List<VideoFrame> sheets = MediaDecoder.decodeVideo(pkg.resolve("thumbnails-1.jpg"));
        VideoFrame sheet = sheets.get(0);
        assertThat(List.of(sheet.width(), sheet.height())).as("three tiles of 160x90").containsExactly(480, 90);
        for (int k = 0; k < 3; k++) {
            ByteBuffer at = ByteBuffer.wrap(sheet.luma()).position(k * 160).slice();
            // Decoded from the renditions (keyframes every 2 s), the tile at 5 s would show the keyframe at 6 s.
            assertThat(FrameCode.read(at, 160, 90, sheet.width())).as("frame of the tile at %d s", 5 * k).isEqualTo(5 * k * 30);
        }
        assertThat(MediaDecoder.decodeVideo(pkg.resolve("poster.jpg")).get(0).code()).as("the frame at 10 %").isEqualTo(39);
    }
}
