package org.mpp.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mpp.ladder.Rendition;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;
import org.mpp.media.Progress;
import org.mpp.testmedia.FrameCode;
import org.mpp.testmedia.MediaDecoder;
import org.mpp.testmedia.SyncMarks;
import org.mpp.testmedia.SyntheticMedia;

/** Checks a finished rendition against the source it came from, with the engine's own probe and decode. */
final class RenditionAssertions {
    private RenditionAssertions() {
    }

    /** Top-level MP4 box types in file order. */
    static List<String> topLevelBoxes(Path file) throws IOException {
        List<String> boxes = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long pos = 0;
            while (pos + 8 <= f.length()) {
                f.seek(pos);
                long size = f.readInt() & 0xffffffffL;
                byte[] type = new byte[4];
                f.readFully(type);
                if (size == 1) {
                    size = f.readLong();
                } else if (size == 0) {
                    size = f.length() - pos;
                }
                boxes.add(new String(type, java.nio.charset.StandardCharsets.US_ASCII));
                if (size < 8) {
                    break;
                }
                pos += size;
            }
        }
        return boxes;
    }

    /**
     * Asserts everything a rendition promises: H.264 yuv420p at the planned size and constant rate, upright,
     * every output slot showing the right source frame, the source's duration within two frames, audio kept and
     * in sync within one frame, index at the front, and a clean decode.
     */
    static MediaInfo assertRendition(MediaEngine media, Path out, Rendition r, SyntheticMedia.Plan source) throws IOException {
        MediaInfo info = media.probe(out, Cancellation.none());
        MediaInfo.VideoInfo v = info.video();
        assertThat(v.codec()).isEqualTo("h264");
        assertThat(v.pixelFormat()).isEqualTo("yuv420p");
        assertThat(v.width()).as("width of %s", out).isEqualTo(r.width());
        assertThat(v.height()).as("height of %s", out).isEqualTo(r.height());
        assertThat(v.rotation()).as("no rotation flag").isZero();
        assertThat(v.variableFrameRate()).isFalse();
        assertThat(v.nominalFrameRate()).isEqualTo(r.frameRate());

        double fps = r.frameRate().toDouble();
        long expectedFrames = Math.round(source.videoSeconds() * fps);
        assertThat(v.frameCount()).as("frames of %s", out).isEqualTo(expectedFrames);
        assertThat(v.duration().toDouble()).isCloseTo(source.videoSeconds(), within(2 / source.fps()));
        assertThat(info.durationSeconds()).isCloseTo(Math.max(source.videoSeconds(),
                source.audioChannels() > 0 ? (double) source.audioSamples() / source.sampleRate() : 0), within(2 / source.fps()));
        assertThat(topLevelBoxes(out)).as("faststart").containsSubsequence("moov", "mdat");

        if (source.audioChannels() > 0) {
            assertThat(info.audio()).as("audio of %s", out).isNotNull();
            assertThat(info.audio().codec()).isEqualTo("aac");
            assertThat(info.audio().channels()).isEqualTo(Math.min(6, source.audioChannels()));
            assertThat(info.audio().sampleRate()).isEqualTo(source.sampleRate());
        } else {
            assertThat(info.audio()).as("no audio in %s", out).isNull();
        }

        media.verify(out, info, Progress.NONE, Cancellation.none());

        List<MediaDecoder.VideoFrame> frames = MediaDecoder.decodeVideo(out);
        assertThat(frames).hasSize((int) expectedFrames);
        int expectedOrientation = Math.floorMod(source.displayRotation(), 360);
        List<SyncMarks.LumaSample> luma = new ArrayList<>();
        boolean flashShown = false;
        for (int k = 0; k < frames.size(); k++) {
            MediaDecoder.VideoFrame f = frames.get(k);
            FrameCode.Reading reading = f.codeAnyOrientation();
            assertThat(reading.orientationDegrees()).as("frame %d of %s is upright", k, out).isEqualTo(expectedOrientation);
            int shown = sourceFrameForSlot(source, k, fps);
            assertThat(reading.index()).as("source frame shown in slot %d of %s", k, out).isEqualTo(shown);
            flashShown |= source.flash()[shown];
            luma.add(new SyncMarks.LumaSample(f.seconds(), SyncMarks.flashRegionMean(f.luma(), f.width(), f.height(), f.width(), reading.orientationDegrees())));
        }
        // A rate cap may drop the flash frames themselves; sync is measured where they survive.
        if (source.audioChannels() > 0 && flashShown) {
            List<Double> flashes = SyncMarks.flashTimes(luma);
            MediaDecoder.Audio audio = MediaDecoder.decodeAudio(out);
            List<Double> onsets = SyncMarks.burstOnsets(audio.mono(), audio.sampleRate(), audio.startSeconds());
            assertThat(flashes).as("flashes in %s", out).isNotEmpty();
            double offset = SyncMarks.meanOffset(flashes, onsets, 0.25);
            assertThat(offset).as("A/V offset of %s", out).isNotNaN().isCloseTo(0, within(1 / fps));
        }
        return info;
    }

    /** The source frame the slot should show: the last one before (k + ½)/fps from the first frame. */
    static int sourceFrameForSlot(SyntheticMedia.Plan source, int k, double fps) {
        double threshold = (k + 0.5) / fps;
        int best = 0;
        for (int i = 0; i < source.frameCount(); i++) {
            if (source.frameTime(i) - source.frameTime(0) < threshold - 1e-9) {
                best = i;
            }
        }
        return best;
    }

    /** Every rendition puts its keyframes at the same times (within one frame of the slowest rendition). */
    static void assertAlignedKeyframes(List<MediaInfo> renditions) {
        double slowest = renditions.stream().mapToDouble(i -> i.video().nominalFrameRate().toDouble()).min().orElseThrow();
        List<Double> reference = renditions.get(0).keyframeTimes();
        for (MediaInfo info : renditions) {
            assertThat(info.keyframeTimes()).hasSameSizeAs(reference);
            for (int i = 0; i < reference.size(); i++) {
                assertThat(info.keyframeTimes().get(i)).isCloseTo(reference.get(i), within(1 / slowest));
            }
        }
    }
}
