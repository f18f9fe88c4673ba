package org.mpp.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
import org.mpp.testmedia.PackageReader.Picture;
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
    /** One AAC frame at 48 kHz. */
    static final double AAC_FRAME = 1024 / 48000.0;

    @TempDir
    Path dir;
    final MediaEngine media = new MediaEngine(MEDIA);

    /** A transcoded source and its package. */
    record Packaged(SyntheticMedia.Plan plan, List<Rendition> renditions, List<Path> twins, Path dir) {
        Path master() {
            return dir.resolve("master.m3u8");
        }

        Path mpd() {
            return dir.resolve("manifest.mpd");
        }

        boolean withAudio() {
            return plan.audioChannels() > 0;
        }

        Path track(String id) {
            return dir.resolve(id);
        }
    }

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
        List<Double> starts = assertSegmentsStartTogether(p);
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
        assertEverySegmentStartsWithAKeyframe(p);
        assertPlaylistsTellTheTruth(p);
        assertCodecStringsAreTheStreams(p);
        assertIFramesAreOneKeyframeEach(p);
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

    /**
     * Every track's segments follow each other from 0; video tracks start them at the same times (within half a frame),
     * audio within one AAC frame; the HLS EXTINF sums are the DASH timeline's starts.
     */
    private static List<Double> assertSegmentsStartTogether(Packaged p) throws IOException {
        Map<String, PackageManifests.Representation> reps = PackageManifests.representations(p.mpd());
        List<Double> starts = reps.get("video-" + p.renditions().get(0).label()).starts();
        for (PackageManifests.Representation rep : reps.values()) {
            assertThat(rep.segments().get(0)[0]).as("first segment of %s", rep.id()).isZero();
            for (int k = 1; k < rep.segments().size(); k++) {
                double[] before = rep.segments().get(k - 1);
                assertThat(rep.segments().get(k)[0]).as("segment %d of %s", k + 1, rep.id()).isCloseTo(before[0] + before[1], within(1e-9));
            }
            assertThat(rep.starts()).as("segment count of %s", rep.id()).hasSameSizeAs(starts);
            // A video track cuts at its own keyframe nearest each cut: on its own frame grid, so within half of its frame
            // (a 25 fps rung cuts at 4.52 s where a 60 fps one cuts at 4.5 s). Audio: within one AAC frame.
            double tolerance = rep.id().startsWith("audio-") ? AAC_FRAME : 0.5 / frameRateOf(p, rep.id()) + 1e-6;
            for (int k = 0; k < starts.size(); k++) {
                assertThat(rep.starts().get(k)).as("start of segment %d of %s", k + 1, rep.id()).isCloseTo(starts.get(k), within(tolerance));
            }
            PackageManifests.MediaPlaylist hls = PackageManifests.media(p.track(rep.id()).resolve("index.m3u8"));
            assertThat(hls.starts()).hasSameSizeAs(starts);
            for (int k = 0; k < starts.size(); k++) {
                assertThat(hls.starts().get(k)).as("EXTINF sum before segment %d of %s", k + 1, rep.id()).isCloseTo(rep.starts().get(k), within(1e-5));
            }
        }
        return starts;
    }

    private static double frameRateOf(Packaged p, String videoId) {
        return p.renditions().stream().filter(r -> videoId.equals("video-" + r.label())).findFirst().orElseThrow().frameRate().toDouble();
    }

    /** Each media segment decodes on its own after the init segment, starting with a keyframe showing the twin's frame. */
    private void assertEverySegmentStartsWithAKeyframe(Packaged p) throws IOException {
        Map<String, PackageManifests.Representation> reps = PackageManifests.representations(p.mpd());
        for (int i = 0; i < p.renditions().size(); i++) {
            Rendition r = p.renditions().get(i);
            String id = "video-" + r.label();
            List<MediaDecoder.VideoFrame> twin = MediaDecoder.decodeVideo(p.twins().get(i));
            PackageManifests.MediaPlaylist playlist = PackageManifests.media(p.track(id).resolve("index.m3u8"));
            for (int k = 0; k < playlist.entries().size(); k++) {
                Path segment = p.track(id).resolve(playlist.entries().get(k).uri());
                Decoded d = PackageReader.decode(join(p.track(id).resolve("init.mp4"), segment, 0, Files.size(segment)), 0);
                String what = "segment " + segment.getFileName() + " of " + id;
                assertThat(d.errors()).as("decode errors of %s", what).isEmpty();
                assertThat(d.packets().get(0).key()).as("first packet of %s is a keyframe", what).isTrue();
                assertThat(d.packets().get(0).nalTypes()).as("NAL units of the first packet of %s", what).contains(5);
                assertThat(d.pictures().get(0).key()).as("first frame of %s is a keyframe", what).isTrue();
                int first = (int) Math.round(reps.get(id).starts().get(k) * r.frameRate().toDouble());
                assertThat(d.pictures().get(0).code().index()).as("first frame of %s", what).isEqualTo(twin.get(first).codeAnyOrientation().index());
            }
        }
    }

    /** No EXTINF over the target duration; BANDWIDTH at least the bit rate of the variant's heaviest segment. */
    private static void assertPlaylistsTellTheTruth(Packaged p) throws IOException {
        for (Rendition r : p.renditions()) {
            for (String name : List.of("index.m3u8", "iframes.m3u8")) {
                PackageManifests.MediaPlaylist pl = PackageManifests.media(p.track("video-" + r.label()).resolve(name));
                assertThat(pl.entries()).allSatisfy(e -> assertThat(e.seconds()).as("EXTINF in %s of %s", name, r.label())
                        .isLessThanOrEqualTo(pl.targetDuration()));
            }
        }
        for (Map<String, String> iFrames : PackageManifests.tags(p.master(), "#EXT-X-I-FRAME-STREAM-INF:")) {
            Path playlist = p.master().resolveSibling(iFrames.get("URI"));
            double peak = 0;
            for (PackageManifests.Entry e : PackageManifests.media(playlist).entries()) {
                peak = Math.max(peak, e.length() * 8 / e.seconds());
            }
            assertThat((double) Long.parseLong(iFrames.get("BANDWIDTH"))).as("BANDWIDTH of %s", playlist).isGreaterThanOrEqualTo(peak);
        }
        List<Map<String, String>> audioGroups = PackageManifests.tags(p.master(), "#EXT-X-MEDIA:");
        for (PackageManifests.Variant variant : PackageManifests.variants(p.master())) {
            Path videoDir = p.master().resolveSibling(variant.uri()).getParent();
            PackageManifests.MediaPlaylist video = PackageManifests.media(p.master().resolveSibling(variant.uri()));
            PackageManifests.MediaPlaylist audio = null;
            Path audioDir = null;
            if (variant.audioGroup() != null) {
                String uri = audioGroups.stream().filter(g -> variant.audioGroup().equals(g.get("GROUP-ID"))).findFirst().orElseThrow().get("URI");
                audio = PackageManifests.media(p.master().resolveSibling(uri));
                audioDir = p.master().resolveSibling(uri).getParent();
                assertThat(audio.entries().stream().mapToDouble(PackageManifests.Entry::seconds).max().orElseThrow())
                        .as("EXTINF of %s", uri).isLessThanOrEqualTo(audio.targetDuration());
            }
            double peak = 0;
            for (int k = 0; k < video.entries().size(); k++) {
                PackageManifests.Entry e = video.entries().get(k);
                double rate = Files.size(videoDir.resolve(e.uri())) * 8 / e.seconds();
                if (audio != null) {
                    PackageManifests.Entry ae = audio.entries().get(k);
                    rate += Files.size(audioDir.resolve(ae.uri())) * 8 / ae.seconds();
                }
                peak = Math.max(peak, rate);
            }
            System.out.printf("%s: BANDWIDTH %d, heaviest segment %.0f b/s%n", variant.uri(), variant.bandwidth(), peak);
            assertThat((double) variant.bandwidth()).as("BANDWIDTH of %s", variant.uri()).isGreaterThanOrEqualTo(peak);
        }
        for (PackageManifests.Representation rep : PackageManifests.representations(p.mpd()).values()) {
            PackageManifests.MediaPlaylist pl = PackageManifests.media(p.track(rep.id()).resolve("index.m3u8"));
            double peak = 0;
            for (PackageManifests.Entry e : pl.entries()) {
                peak = Math.max(peak, Files.size(p.track(rep.id()).resolve(e.uri())) * 8 / e.seconds());
            }
            assertThat((double) rep.bandwidth()).as("bandwidth of Representation %s", rep.id()).isGreaterThanOrEqualTo(peak);
        }
    }

    /** avc1.PPCCLL: profile_idc, the constraint flags and level_idc of the twin's stream; mp4a.40.2 for AAC-LC. */
    private static void assertCodecStringsAreTheStreams(Packaged p) throws IOException {
        List<PackageManifests.Variant> variants = PackageManifests.variants(p.master());
        Map<String, PackageManifests.Representation> reps = PackageManifests.representations(p.mpd());
        assertThat(variants).hasSameSizeAs(p.renditions());
        for (int i = 0; i < p.renditions().size(); i++) {
            Rendition r = p.renditions().get(i);
            Listing twin = PackageReader.list(p.twins().get(i));
            StreamInfo video = twin.streams().stream().filter(StreamInfo::isVideo).findFirst().orElseThrow();
            String[] codecs = variants.get(i).codecs().split(",");
            assertThat(variants.get(i).uri()).isEqualTo("video-" + r.label() + "/index.m3u8");
            assertThat(variants.get(i).attributes().get("RESOLUTION")).isEqualTo(video.width() + "x" + video.height());
            String avc = codecs[0];
            assertThat(avc).as("video codec string of %s", r.label()).matches("avc1\\.[0-9a-f]{6}");
            int profileIdc = Integer.parseInt(avc.substring(5, 7), 16);
            int constraints = Integer.parseInt(avc.substring(7, 9), 16);
            int levelIdc = Integer.parseInt(avc.substring(9, 11), 16);
            // FFmpeg's profile is profile_idc, plus 1 << 9 when constraint_set1 marks a constrained baseline stream.
            assertThat(profileIdc).as("profile in %s of %s (FFmpeg: %d)", avc, r.label(), video.profile()).isEqualTo(video.profile() & 0xff);
            if (profileIdc == 66) {
                assertThat((constraints & 0x40) != 0).as("constraint_set1 in %s", avc).isEqualTo((video.profile() & (1 << 9)) != 0);
            }
            assertThat(levelIdc).as("level in %s of %s", avc, r.label()).isEqualTo(video.level());
            assertThat(reps.get("video-" + r.label()).codecs()).isEqualTo(avc);
            if (p.withAudio()) {
                StreamInfo audio = twin.streams().stream().filter(StreamInfo::isAudio).findFirst().orElseThrow();
                assertThat(audio.profile()).as("AAC-LC (FFmpeg profile 1)").isEqualTo(1);
                assertThat(codecs).as("CODECS of %s", r.label()).containsExactly(avc, "mp4a.40.2");
                assertThat(reps.get("audio-" + r.spec().audioBitrate() + "k").codecs()).isEqualTo("mp4a.40.2");
            } else {
                assertThat(codecs).containsExactly(avc);
            }
        }
    }

    /** Each I-frame byte range, after the init segment, is exactly one keyframe: the segment's first frame. */
    private void assertIFramesAreOneKeyframeEach(Packaged p) throws IOException {
        for (Rendition r : p.renditions()) {
            Path track = p.track("video-" + r.label());
            for (PackageManifests.Entry e : PackageManifests.media(track.resolve("iframes.m3u8")).entries()) {
                assertThat(e.length()).as("byte range of %s", e.uri()).isPositive();
                Decoded whole = PackageReader.decode(join(track.resolve("init.mp4"), track.resolve(e.uri()), 0, Files.size(track.resolve(e.uri()))), 0);
                Decoded d = PackageReader.decode(join(track.resolve("init.mp4"), track.resolve(e.uri()), e.offset(), e.length()), 0);
                String what = "I-frame " + e.length() + "@" + e.offset() + " of " + r.label() + "/" + e.uri();
                // The mov demuxer logs "stream 0, offset ...: partial file" here: the trun lists every sample of the segment
                // and the range holds only the first. A player reading an I-frame range reads that one sample too.
                assertThat(d.pictures()).as("frames of %s", what).hasSize(1);
                assertThat(d.pictures().get(0).key()).as("%s is a keyframe", what).isTrue();
                assertThat(d.pictures().get(0).code().index()).as("frame of %s", what).isEqualTo(whole.pictures().get(0).code().index());
            }
        }
    }

    /** A file of {@code init} followed by {@code length} bytes of {@code segment} from {@code offset}. */
    private Path join(Path init, Path segment, long offset, long length) throws IOException {
        Path out = Files.createTempFile(dir, "segment", ".mp4");
        byte[] bytes = Files.readAllBytes(segment);
        try (OutputStream o = Files.newOutputStream(out)) {
            o.write(Files.readAllBytes(init));
            o.write(bytes, (int) offset, (int) length);
        }
        return out;
    }
}
