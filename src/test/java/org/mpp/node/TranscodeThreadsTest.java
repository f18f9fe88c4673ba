package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mpp.config.Settings;

class TranscodeThreadsTest {
    private static final Settings.Media FOLLOW_CORES = new Settings.Media(10, 2, 0, 0);

    @Test
    void aSegmentAloneGetsEveryCoreAndSegmentsAtOnceShareThem() {
        TranscodeThreads threads = new TranscodeThreads(FOLLOW_CORES, 8);

        try (TranscodeThreads.Share first = threads.start()) {
            assertThat(first.encoder()).isEqualTo(8);
            assertThat(first.decoder()).as("decoders gain little beyond 4 threads").isEqualTo(4);
            try (TranscodeThreads.Share second = threads.start()) {
                assertThat(second.encoder()).isEqualTo(4);
                try (TranscodeThreads.Share third = threads.start()) {
                    assertThat(third.encoder()).isEqualTo(2);
                    assertThat(third.decoder()).isEqualTo(2);
                }
            }
        }
        try (TranscodeThreads.Share again = threads.start()) {
            assertThat(again.encoder()).as("the ones that ended no longer count").isEqualTo(8);
        }
    }

    @Test
    void neverLessThanOneThreadAndConfiguredCountsWin() {
        TranscodeThreads oneCore = new TranscodeThreads(FOLLOW_CORES, 1);
        try (TranscodeThreads.Share a = oneCore.start(); TranscodeThreads.Share b = oneCore.start()) {
            assertThat(b.encoder()).isEqualTo(1);
            assertThat(b.decoder()).isEqualTo(1);
        }
        TranscodeThreads configured = new TranscodeThreads(new Settings.Media(10, 2, 3, 5), 8);
        try (TranscodeThreads.Share a = configured.start(); TranscodeThreads.Share b = configured.start()) {
            assertThat(b.decoder()).isEqualTo(3);
            assertThat(b.encoder()).isEqualTo(5);
        }
    }
}
