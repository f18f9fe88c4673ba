package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mpp.config.Settings;

class TranscodeThreadsTest {
    private static final Settings.Media FOLLOW_CORES = new Settings.Media(10, 2, 0, 0);

    @Test
    void aJobsLastSegmentAloneGetsEveryCoreAndSegmentsAtOnceShareThem() {
        TranscodeThreads threads = new TranscodeThreads(FOLLOW_CORES, 8, 4);

        try (TranscodeThreads.Share first = threads.start(true)) {
            assertThat(first.encoder()).isEqualTo(8);
            assertThat(first.decoder()).as("decoders gain little beyond 4 threads").isEqualTo(4);
            try (TranscodeThreads.Share second = threads.start(true)) {
                assertThat(second.encoder()).isEqualTo(4);
                try (TranscodeThreads.Share third = threads.start(true)) {
                    assertThat(third.encoder()).isEqualTo(2);
                    assertThat(third.decoder()).isEqualTo(2);
                }
            }
        }
        try (TranscodeThreads.Share again = threads.start(true)) {
            assertThat(again.encoder()).as("the ones that ended no longer count").isEqualTo(8);
        }
    }

    @Test
    void aSegmentWithMoreOfItsJobToComeExpectsEveryWorkerBesideIt() {
        // A job's first segment is claimed while the next is still being cut: alone now, not for long. With every core
        // it would oversubscribe them once the next one starts beside it.
        TranscodeThreads threads = new TranscodeThreads(FOLLOW_CORES, 2, 2);
        try (TranscodeThreads.Share first = threads.start(false)) {
            assertThat(first.encoder()).isEqualTo(1);
            assertThat(first.decoder()).isEqualTo(1);
            try (TranscodeThreads.Share last = threads.start(true)) {
                assertThat(last.encoder()).as("the job's last, beside another").isEqualTo(1);
            }
        }
        TranscodeThreads eightCores = new TranscodeThreads(FOLLOW_CORES, 8, 2);
        try (TranscodeThreads.Share a = eightCores.start(false); TranscodeThreads.Share b = eightCores.start(false);
                TranscodeThreads.Share c = eightCores.start(false)) {
            assertThat(a.encoder()).isEqualTo(4);
            assertThat(c.encoder()).as("more running than workers (a worker's task outlived its pool's resize)").isEqualTo(2);
        }
        TranscodeThreads oneWorker = new TranscodeThreads(FOLLOW_CORES, 4, 1);
        try (TranscodeThreads.Share only = oneWorker.start(false)) {
            assertThat(only.encoder()).as("one worker: its segments never run beside another").isEqualTo(4);
        }
    }

    @Test
    void neverLessThanOneThreadAndConfiguredCountsWin() {
        TranscodeThreads oneCore = new TranscodeThreads(FOLLOW_CORES, 1, 2);
        try (TranscodeThreads.Share a = oneCore.start(true); TranscodeThreads.Share b = oneCore.start(false)) {
            assertThat(b.encoder()).isEqualTo(1);
            assertThat(b.decoder()).isEqualTo(1);
        }
        TranscodeThreads configured = new TranscodeThreads(new Settings.Media(10, 2, 3, 5), 8, 2);
        try (TranscodeThreads.Share a = configured.start(true); TranscodeThreads.Share b = configured.start(true)) {
            assertThat(b.decoder()).isEqualTo(3);
            assertThat(b.encoder()).isEqualTo(5);
        }
    }
}
