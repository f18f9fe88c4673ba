package org.mpp.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.testmedia.SyntheticMedia;

/**
 * FFmpeg and x264 allocate outside the Java heap, where no garbage collector helps: every context, frame and
 * packet must be freed. Fifty transcodes in a row must leave the process's resident memory flat.
 */
class NativeMemoryTest {
    @TempDir
    Path dir;

    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void fiftySmallTranscodesLeaveResidentMemoryFlat() throws IOException {
        Path source = SyntheticMedia.builder().size(160, 90).seconds(1).write(dir.resolve("small.mp4"));
        LocalTranscoder transcoder = new LocalTranscoder(new MediaEngine(LocalTranscoderTest.MEDIA), LocalTranscoderTest.LADDER,
                dir.resolve("work"), true);
        long[] rss = new long[50];
        for (int i = 0; i < rss.length; i++) {
            transcoder.transcode(source, dir.resolve("out"), (step, f) -> { }, Cancellation.none());
            System.gc();
            rss[i] = residentBytes();
        }
        // Warm-up (JIT, glibc arenas, x264 tables) settles in the first runs; after that, growth means a leak.
        long settled = rss[9];
        long last = rss[49];
        System.out.printf("RSS after run 10: %d MiB, after run 50: %d MiB%n", settled >> 20, last >> 20);
        assertThat(last - settled).as("RSS growth over 40 transcodes (bytes)").isLessThan(24L << 20);
    }
}
