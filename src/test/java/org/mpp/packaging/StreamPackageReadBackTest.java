package org.mpp.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.config.Settings;
import org.mpp.config.Settings.Format;
import org.mpp.ladder.OutputSpec;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;
import org.mpp.pipeline.LocalTranscoder;
import org.mpp.testmedia.MediaDecoder;
import org.mpp.testmedia.MediaProbe;
import org.mpp.testmedia.PackageReader;
import org.mpp.testmedia.PackageReader.Decoded;
import org.mpp.testmedia.PackageReader.Listing;
import org.mpp.testmedia.PackageReader.StreamInfo;
import org.mpp.testmedia.SyncMarks;
import org.mpp.testmedia.SyntheticMedia;

/**
 * A streaming package read back the way a player built on FFmpeg reads it: every variant through {@code master.m3u8}
 * (FFmpeg's hls demuxer) and through {@code manifest.mpd} (its dash demuxer), compared frame by frame and sample by sample
 * with the MP4 rendition it was cut from (its "twin"); every segment decoded on its own after the init segment; the
 * playlists' durations, bit rates, codec strings and I-frame byte ranges checked against the files they name.
 */
class StreamPackageReadBackTest {
    static final Settings.Media MEDIA = new Settings.Media(1.0, 2.0, 0, 0);
    /** The top rung with B-frames (superfast, main: reordered frames, negative composition offsets), the other without. */
    static final List<OutputSpec> SMALL = List.of(
            new OutputSpec(320, 180, 23, "superfast", "main", 30, 128),
            new OutputSpec(160, 90, 23, "ultrafast", "baseline", 30, 64));
    /** Two-second segments (the GOP): three joins in a six-second clip. */
    static final Settings.Packaging TWO_SECONDS = new Settings.Packaging(Set.of(Format.MP4, Format.HLS, Format.DASH), 2, 5);

    @TempDir
    Path dir;
    final MediaEngine media = new MediaEngine(MEDIA);

    @Test
    void plainThirtyFramesPerSecondStereoInTheDefaultFourSecondSegments() throws IOException {
        assertReadsBack(packaged(SyntheticMedia.builder().size(640, 360).seconds(9), "plain.mp4", List.of(
                new OutputSpec(640, 360, 23, "superfast", "main", 30, 128),
                new OutputSpec(320, 180, 23, "ultrafast", "baseline", 30, 64)), Settings.Packaging.defaults()));
    }

    @Test
    void variableFrameRateSource() throws IOException {
        assertReadsBack(packaged(SyntheticMedia.builder().variableFrameRate(true).seconds(6), "vfr.mp4", SMALL, TWO_SECONDS));
    }

    @Test
    void sourceRotatedByItsDisplayMatrix() throws IOException {
        assertReadsBack(packaged(SyntheticMedia.builder().displayRotation(90).seconds(6), "rotated.mp4", SMALL, TWO_SECONDS));
    }

    @Test
    void surroundSound() throws IOException {
        assertReadsBack(packaged(SyntheticMedia.builder().audio(6, 48000).seconds(6), "surround.mp4", SMALL, TWO_SECONDS));
    }

    @Test
    void silentSourceHasNoAudioTrack() throws IOException {
        Packaged p = packaged(SyntheticMedia.builder().noAudio().seconds(6), "silent.mp4", SMALL, TWO_SECONDS);

        assertReadsBack(p);
        assertThat(PackageReader.list(p.master()).streams()).noneMatch(StreamInfo::isAudio);
        assertThat(PackageReader.list(p.mpd()).streams()).noneMatch(StreamInfo::isAudio);
    }

    @Test
    void tinySource() throws IOException {
        assertReadsBack(packaged(SyntheticMedia.builder().size(64, 36).seconds(6), "tiny.mp4", SMALL, TWO_SECONDS));
    }

    @Test
    void portraitSource() throws IOException {
        assertReadsBack(packaged(SyntheticMedia.builder().size(180, 320).seconds(6), "portrait.mp4", SMALL, TWO_SECONDS));
    }

    @Test
    void sixtyFramesPerSecondWithARungCappedToThirty() throws IOException {
        Packaged p = packaged(SyntheticMedia.builder().fps(60).seconds(6), "game.mp4", List.of(
                new OutputSpec(320, 180, 23, "superfast", "main", 60, 128),
                new OutputSpec(160, 90, 23, "ultrafast", "baseline", 30, 64)), TWO_SECONDS);

        assertThat(p.renditions()).extracting(r -> r.frameRate().toString()).containsExactly("60", "30");
        assertReadsBack(p);
    }

    @Test
    void ntscRateWithAShortLastSegment() throws IOException {
        assertReadsBack(packaged(SyntheticMedia.builder().fps(30000, 1001).seconds(7), "ntsc.mp4", SMALL, TWO_SECONDS));
    }

    /** Keyframes off the 2 s grid (the source's VFR GOPs) and a 25 fps rung whose frames cannot fall on the 60 fps cuts. */
    @Test
    void variableSixtyFramesPerSecondWithATwentyFiveRungInDefaultSegments() throws IOException {
        assertReadsBack(packaged(SyntheticMedia.builder().fps(60).variableFrameRate(true).seconds(9), "vfr60.mp4", List.of(
                new OutputSpec(320, 180, 23, "superfast", "high", 60, 96),
                new OutputSpec(160, 90, 23, "ultrafast", "baseline", 25, 96)), Settings.Packaging.defaults()));
    }

    private Packaged packaged(SyntheticMedia.Builder source, String name, List<OutputSpec> ladder, Settings.Packaging packaging)
            throws IOException {
        SyntheticMedia.Plan plan = source.plan();
        Path file = source.write(dir.resolve(name));
        LocalTranscoder.Result result = new LocalTranscoder(media, ladder, dir.resolve("work"), false)
                .transcode(file, dir.resolve("out"), (step, f) -> { }, Cancellation.none());
        MediaInfo.VideoInfo v = result.info().video();
        String stem = name.substring(0, name.lastIndexOf('.'));
        List<Rendition> renditions = RenditionPlanner.plan(stem, v.displayWidth(), v.displayHeight(), v.nominalFrameRate(), ladder);
        List<StreamPackager.Rendered> rendered = new ArrayList<>();
        for (int i = 0; i < renditions.size(); i++) {
            rendered.add(new StreamPackager.Rendered(renditions.get(i), result.outputs().get(i)));
        }
        Path pkg = new StreamPackager(media, packaging).write(stem, rendered, plan.audioChannels() > 0, dir.resolve("out"), Cancellation.none())
                .orElseThrow().dir();
        return new Packaged(plan, renditions, result.outputs(), pkg);
    }

    private void assertReadsBack(Packaged p) throws IOException {
        List<Double> starts = PackageFileChecks.assertSegmentsStartTogether(p);
        for (Path manifest : List.of(p.master(), p.mpd())) {
            Listing listing = PackageReader.list(manifest);
            for (int i = 0; i < p.renditions().size(); i++) {
                Rendition r = p.renditions().get(i);
                Path twin = p.twins().get(i);
                StreamInfo video = videoOf(listing, r, manifest);
                assertTheDemuxerSeesWhatTheManifestSays(p, i, video, manifest);
                Decoded v = PackageReader.decode(manifest, video.index());
                double[] delays = assertVideoIsItsTwin(v, twin, r, manifest, starts);
                if (p.withAudio()) {
                    Decoded a = PackageReader.decode(manifest, audioOf(listing, video, r, manifest).index());
                    assertAudioIsItsTwin(a, twin, manifest);
                    assertInSync(p.plan(), v, delays, a, starts, r, manifest);
                }
            }
        }
        PackageFileChecks.assertEverySegmentStartsWithAKeyframe(p, dir);
        PackageFileChecks.assertPlaylistsTellTheTruth(p);
        PackageFileChecks.assertCodecStringsAreTheStreams(p);
        PackageFileChecks.assertIFramesAreOneKeyframeEach(p, dir);
    }

    /** The stream's profile and level are the twin's; its variant_bitrate is the variant's BANDWIDTH / the bandwidth. */
    private static void assertTheDemuxerSeesWhatTheManifestSays(Packaged p, int i, StreamInfo video, Path manifest) throws IOException {
        Rendition r = p.renditions().get(i);
        StreamInfo twin = PackageReader.list(p.twins().get(i)).streams().stream().filter(StreamInfo::isVideo).findFirst().orElseThrow();
        assertThat(video.profile()).as("profile of %s in %s", r.label(), manifest).isEqualTo(twin.profile());
        assertThat(video.level()).as("level of %s in %s", r.label(), manifest).isEqualTo(twin.level());
        long declared = manifest.toString().endsWith(".mpd")
                ? PackageManifests.representations(manifest).get("video-" + r.label()).bandwidth()
                : PackageManifests.variants(manifest).get(i).bandwidth();
        assertThat(video.variantBitrate()).as("variant_bitrate of %s in %s", r.label(), manifest).isEqualTo(declared);
    }

    private static StreamInfo videoOf(Listing listing, Rendition r, Path manifest) {
        List<StreamInfo> found = listing.streams().stream().filter(StreamInfo::isVideo)
                .filter(s -> manifest.toString().endsWith(".mpd") ? ("video-" + r.label()).equals(s.metadata().get("id"))
                        : s.width() == r.width() && s.height() == r.height()).toList();
        assertThat(found).as("video of %s in %s", r.label(), manifest).hasSize(1);
        assertThat(found.get(0).width() + "x" + found.get(0).height()).isEqualTo(r.width() + "x" + r.height());
        return found.get(0);
    }

    /** HLS: the audio of the video's variant (program); DASH: the representation of the rendition's audio bit rate. */
    private static StreamInfo audioOf(Listing listing, StreamInfo video, Rendition r, Path manifest) {
        String id = "audio-" + r.spec().audioBitrate() + "k";
        List<StreamInfo> found = listing.streams().stream().filter(StreamInfo::isAudio)
                .filter(s -> manifest.toString().endsWith(".mpd") ? id.equals(s.metadata().get("id"))
                        : s.programs().stream().anyMatch(video.programs()::contains)).toList();
        assertThat(found).as("audio of %s in %s", r.label(), manifest).hasSize(1);
        return found.get(0);
    }

    /**
     * Same frames in the same order, same size, rate and duration as the MP4. Returns how late FFmpeg shows each frame
     * ({@link #readerDelays}): the package itself presents frame k at the twin's time.
     */
    private static double[] assertVideoIsItsTwin(Decoded v, Path twin, Rendition r, Path manifest, List<Double> starts) throws IOException {
        List<MediaDecoder.VideoFrame> expected = MediaDecoder.decodeVideo(twin);
        double frame = 1 / r.frameRate().toDouble();
        String what = r.label() + " through " + manifest.getFileName();
        assertThat(v.errors()).as("decode errors of %s", what).isEmpty();
        assertThat(v.pictures()).as("frames of %s", what).hasSameSizeAs(expected);
        assertThat(v.pictures().stream().map(f -> f.code().index()).toList()).as("frame codes of %s", what)
                .isEqualTo(expected.stream().map(f -> f.codeAnyOrientation().index()).toList());
        assertThat(v.pictures()).allSatisfy(f -> assertThat(f.width() + "x" + f.height()).isEqualTo(r.width() + "x" + r.height()));
        double twinShift = expected.get(0).seconds();
        // The package presents its first frame at 0 (version-1 trun, negative composition offsets, no edit list), as a
        // browser's MSE shows it. FFmpeg's mov demuxer (under both hls and dash) instead delays the track by its most
        // negative composition offset (dts_shift), and it learns that offset fragment by fragment (mov_update_dts_shift on
        // each trun): frames come out late by the deepest reorder depth of the segments read so far. Measured: 0 for the
        // B-frameless rungs (ultrafast, baseline); 0.033333 s (one frame at 30 fps, two at 60 fps) or 0.066667 s for the
        // superfast main rungs with B-frames; and where a later segment reorders deeper than the first (the twin joins
        // x264 runs whose depths differ), every frame from that segment on comes out one frame later still (NTSC clip:
        // frame 120, the segment at 4.004 s, at 4.037367 s). That is a jump in FFmpeg's timeline, not in the package's:
        // each frame's expected delay is that running maximum, computed from the twin's packets.
        double[] delays = readerDelays(twin, starts, expected.size());
        for (int k = 0; k < expected.size(); k++) {
            assertThat(v.pictures().get(k).seconds()).as("time of frame %d of %s (FFmpeg's delay %.6f s)", k, what, delays[k])
                    .isCloseTo(expected.get(k).seconds() - twinShift + delays[k], within(1e-3));
        }
        if (delays[delays.length - 1] != delays[0]) {
            System.out.printf("%s: FFmpeg's delay grows from %.6f s to %.6f s at a join%n", what, delays[0], delays[delays.length - 1]);
        }
        double[] deltas = new double[expected.size() - 1];
        for (int k = 1; k < expected.size(); k++) {
            deltas[k - 1] = v.pictures().get(k).seconds() - v.pictures().get(k - 1).seconds();
        }
        for (int k = 1; k < expected.size(); k++) {
            assertThat(deltas[k - 1] - (delays[k] - delays[k - 1])).as("interval before frame %d of %s", k, what).isCloseTo(frame, within(1e-3));
        }
        double duration = v.pictures().get(v.pictures().size() - 1).seconds() - delays[delays.length - 1] + frame;
        assertThat(duration).as("duration of %s", what).isCloseTo(expected.size() * frame, within(frame));
        return delays;
    }

    /**
     * How late FFmpeg shows each frame (presentation order) of the package of {@code twin}: the deepest reorder depth
     * (the IDR's decode delay less a frame's own) of the segments up to the frame's, segments starting at {@code starts}.
     */
    private static double[] readerDelays(Path twin, List<Double> starts, int frames) throws IOException {
        MediaProbe.Stream video = MediaProbe.probe(twin).video().orElseThrow();
        long idrDelay = video.packets().get(0).pts() - video.packets().get(0).dts();
        double[] depth = new double[starts.size()];
        int segment = 0;
        for (MediaProbe.Packet pk : video.packets()) {
            // In decode order: a segment's samples follow its IDR (closed GOPs).
            while (pk.key() && segment + 1 < starts.size() && video.seconds(pk.pts()) > starts.get(segment + 1) - 1e-3) {
                segment++;
            }
            depth[segment] = Math.max(depth[segment], video.seconds(idrDelay - (pk.pts() - pk.dts())));
        }
        for (int s = 1; s < depth.length; s++) {
            depth[s] = Math.max(depth[s], depth[s - 1]);
        }
        List<Double> times = video.packets().stream().map(pk -> video.seconds(pk.pts())).sorted().toList();
        double[] delays = new double[frames];
        for (int k = 0; k < frames; k++) {
            int s = 0;
            while (s + 1 < starts.size() && times.get(k) > starts.get(s + 1) - 1e-3) {
                s++;
            }
            delays[k] = depth[s];
        }
        return delays;
    }

    private static void assertAudioIsItsTwin(Decoded a, Path twin, Path manifest) throws IOException {
        MediaDecoder.Audio expected = MediaDecoder.decodeAudio(twin);
        String what = "audio through " + manifest.getFileName() + " of " + twin.getFileName();
        assertThat(a.errors()).as("decode errors of %s", what).isEmpty();
        assertThat(a.audio().sampleRate()).isEqualTo(expected.sampleRate());
        assertThat(a.audio().channels()).isEqualTo(expected.channels());
        assertThat(a.audio().startSeconds()).as("start of %s", what).isCloseTo(0, within(0.5 / expected.sampleRate()));
        assertThat((double) a.audio().mono().length).as("samples of %s", what).isCloseTo(expected.mono().length, within(1024.0));
        List<PackageReader.Packet> packets = a.packets();
        for (int k = 1; k < packets.size(); k++) {
            PackageReader.Packet before = packets.get(k - 1);
            assertThat(packets.get(k).pts()).as("packet %d of %s follows the one before it (no gap, no overlap)", k, what)
                    .isCloseTo(before.pts() + before.duration(), within(0.5 / expected.sampleRate()));
        }
    }

    /** Every beep within one frame of its flash, the flashes at the segment joins included. */
    private static void assertInSync(SyntheticMedia.Plan plan, Decoded v, double[] delays, Decoded a, List<Double> starts, Rendition r,
            Path manifest) {
        if (v.pictures().stream().noneMatch(f -> f.code().index() >= 0 && plan.flash()[f.code().index()])) {
            return; // a rate cap dropped every flash frame (their frames equal the twin's, checked before)
        }
        double frame = 1 / r.frameRate().toDouble();
        String what = r.label() + " through " + manifest.getFileName();
        List<SyncMarks.LumaSample> luma = new ArrayList<>();
        for (int k = 0; k < v.pictures().size(); k++) {
            luma.add(new SyncMarks.LumaSample(v.pictures().get(k).seconds() - delays[k], v.pictures().get(k).flashMean()));
        }
        List<Double> flashes = SyncMarks.flashTimes(luma);
        List<Double> onsets = SyncMarks.burstOnsets(a.audio().mono(), a.audio().sampleRate(), a.audio().startSeconds());
        List<Double> offsets = SyncMarks.offsets(flashes, onsets, 0.25);
        assertThat(flashes).as("flashes of %s", what).isNotEmpty();
        assertThat(offsets).as("A/V offsets of %s", what).hasSameSizeAs(flashes)
                .allSatisfy(o -> assertThat(o).isCloseTo(0, within(frame)));
        for (double join : starts.subList(1, starts.size())) {
            if (Math.abs(join - Math.rint(join)) <= frame) {
                // The flash is the frame showing the whole second: at the join or, when the join is past it, just before.
                assertThat(flashes).as("a flash at the join at %.3f s of %s", join, what)
                        .anySatisfy(f -> assertThat(f).isCloseTo(join, within(frame + 1e-6)));
            } else {
                // A join between two whole seconds (keyframes off the grid): sync is measured on both sides of it.
                assertThat(flashes).as("flashes either side of the join at %.3f s of %s", join, what)
                        .anyMatch(f -> f < join).anyMatch(f -> f > join);
            }
        }
    }
}
