package org.mpp.testmedia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bad inputs of {@link BadMedia} fail the way they are meant to. */
class BadMediaTest {
    @TempDir
    static Path dir;

    @Test
    void emptyAndRandomFilesDoNotOpen() throws IOException {
        Path empty = BadMedia.empty(dir.resolve("empty.mp4"));
        Path random = BadMedia.randomBytes(dir.resolve("random.mp4"), 64 * 1024);
        assertThat(Files.size(empty)).isZero();
        assertThat(Files.size(random)).isEqualTo(64 * 1024);
        assertThatThrownBy(() -> MediaProbe.probe(empty)).isInstanceOf(IOException.class)
                .hasMessageContaining("avformat_open_input");
        assertThatThrownBy(() -> MediaProbe.probe(random)).isInstanceOf(IOException.class)
                .hasMessageContaining("avformat_open_input");
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(random.toFile())) {
            assertThatThrownBy(g::start).isInstanceOf(FFmpegFrameGrabber.Exception.class);
        }
    }

    @Test
    void truncatedMp4OpensButEndsEarly() throws IOException {
        Path f = BadMedia.truncatedMp4(dir.resolve("truncated.mp4"), 0.6);
        MediaProbe.Info info = MediaProbe.probe(f); // moov is in front: the index is complete
        assertThat(info.durationSeconds()).isEqualTo(4.0);
        MediaProbe.Stream v = info.video().orElseThrow();
        assertThat(v.packets().size()).isBetween(30, 110); // 120 in the index, reading stops in mdat
        try (FfmpegLogCapture log = FfmpegLogCapture.start()) {
            List<MediaDecoder.VideoFrame> frames = MediaDecoder.decodeVideo(f);
            assertThat(frames.size()).isLessThan(120);
            assertThat(log.errors()).anySatisfy(m -> {
                assertThat(m.component()).isEqualTo("mov,mp4,m4a,3gp,3g2,mj2");
                assertThat(m.text()).contains("partial file");
            });
            System.out.println("truncated: " + frames.size() + " frames; log: " + log.messages());
        }
    }

    @Test
    void corruptedMp4DemuxesLikeTheOriginalButDecodingLogsErrors() throws IOException {
        Path f = BadMedia.corruptedMp4(dir.resolve("corrupt.mp4"));
        assertThat(BadMedia.corruptedPacketTimes(f)).containsExactly(2.0, 2.0 + 1 / 30.0, 2.0 + 2 / 30.0);
        MediaProbe.Stream v = MediaProbe.probe(f).video().orElseThrow();
        assertThat(v.packets()).hasSize(120);

        List<MediaDecoder.VideoFrame> frames;
        List<FfmpegLogCapture.Message> errors;
        try (FfmpegLogCapture log = FfmpegLogCapture.start()) {
            frames = MediaDecoder.decodeVideo(f);
            errors = log.errors();
            System.out.println("corrupted, single-threaded decoder: " + log.messages());
        }
        assertThat(frames).hasSize(120); // every frame comes out: errors are concealed, nothing throws
        assertThat(errors).isNotEmpty().allSatisfy(m -> {
            assertThat(m.text()).matches("(?s)\\[h264 @ 0x[0-9a-f]+\\] .*\\n");
            assertThat(m.component()).isEqualTo("h264");
            assertThat(m.context()).startsWith("0x");
        });
        // one decoder context: one pointer
        assertThat(errors.stream().map(FfmpegLogCapture.Message::context).distinct()).hasSize(1);
        // frames before the damage are intact; from the damaged keyframe to the next one some are not
        assertThat(frames.subList(0, 60)).allSatisfy(fr -> assertThat(fr.code()).isEqualTo(fr.index()));
        assertThat(frames.subList(60, 90)).anySatisfy(fr -> assertThat(fr.code()).isNotEqualTo(fr.index()));
        assertThat(frames.subList(90, 120)).allSatisfy(fr -> assertThat(fr.code()).isEqualTo(fr.index()));
    }

    @Test
    void theGrabberSwallowsTheSameErrors() throws Exception {
        Path f = BadMedia.corruptedMp4(dir.resolve("corrupt-grabber.mp4"));
        try (FfmpegLogCapture log = FfmpegLogCapture.start();
             FFmpegFrameGrabber g = new FFmpegFrameGrabber(f.toFile())) {
            g.start();
            int n = 0;
            while (g.grabImage() != null) {
                n++;
            }
            g.stop();
            assertThat(n).isEqualTo(120);
            assertThat(log.errors()).isNotEmpty();
            // frame threading: messages carry the worker contexts' pointers, not one per decoder
            System.out.println("corrupted, grabber (frame threads): " + log.errors());
        }
    }

    @Test
    void audioOnlyHasNoVideo() throws IOException {
        Path f = BadMedia.audioOnly(dir.resolve("audio.m4a"));
        MediaProbe.Info info = MediaProbe.probe(f);
        assertThat(info.video()).isEmpty();
        assertThat(info.audio()).isPresent();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(f.toFile())) {
            g.start();
            assertThat(g.hasVideo()).isFalse();
            assertThat(g.getImageWidth()).isZero();
            g.stop();
        }
    }
}
