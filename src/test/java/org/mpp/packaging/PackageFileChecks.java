package org.mpp.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mpp.ladder.Rendition;
import org.mpp.testmedia.MediaDecoder;
import org.mpp.testmedia.PackageReader;
import org.mpp.testmedia.PackageReader.Decoded;
import org.mpp.testmedia.PackageReader.Listing;
import org.mpp.testmedia.PackageReader.StreamInfo;

/**
 * Checks of a package's files against each other and against the MP4 twins: segment timelines, each segment and each
 * I-frame byte range decoded on its own after the init segment, playlist durations and bit rates, codec strings.
 */
final class PackageFileChecks {
    /** One AAC frame at 48 kHz. */
    static final double AAC_FRAME = 1024 / 48000.0;

    private PackageFileChecks() {
    }

    /**
     * Every track's segments follow each other from 0; video tracks start them at the same times (within half a frame),
     * audio within one AAC frame; the HLS EXTINF sums are the DASH timeline's starts.
     */
    static List<Double> assertSegmentsStartTogether(Packaged p) throws IOException {
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
    static void assertEverySegmentStartsWithAKeyframe(Packaged p, Path dir) throws IOException {
        Map<String, PackageManifests.Representation> reps = PackageManifests.representations(p.mpd());
        for (int i = 0; i < p.renditions().size(); i++) {
            Rendition r = p.renditions().get(i);
            String id = "video-" + r.label();
            List<MediaDecoder.VideoFrame> twin = MediaDecoder.decodeVideo(p.twins().get(i));
            PackageManifests.MediaPlaylist playlist = PackageManifests.media(p.track(id).resolve("index.m3u8"));
            for (int k = 0; k < playlist.entries().size(); k++) {
                Path segment = p.track(id).resolve(playlist.entries().get(k).uri());
                Decoded d = PackageReader.decode(join(dir, p.track(id).resolve("init.mp4"), segment, 0, Files.size(segment)), 0);
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
    static void assertPlaylistsTellTheTruth(Packaged p) throws IOException {
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
    static void assertCodecStringsAreTheStreams(Packaged p) throws IOException {
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
    static void assertIFramesAreOneKeyframeEach(Packaged p, Path dir) throws IOException {
        for (Rendition r : p.renditions()) {
            Path track = p.track("video-" + r.label());
            for (PackageManifests.Entry e : PackageManifests.media(track.resolve("iframes.m3u8")).entries()) {
                assertThat(e.length()).as("byte range of %s", e.uri()).isPositive();
                Decoded whole = PackageReader.decode(join(dir, track.resolve("init.mp4"), track.resolve(e.uri()), 0, Files.size(track.resolve(e.uri()))), 0);
                Decoded d = PackageReader.decode(join(dir, track.resolve("init.mp4"), track.resolve(e.uri()), e.offset(), e.length()), 0);
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
    static Path join(Path dir, Path init, Path segment, long offset, long length) throws IOException {
        Path out = Files.createTempFile(dir, "segment", ".mp4");
        byte[] bytes = Files.readAllBytes(segment);
        try (OutputStream o = Files.newOutputStream(out)) {
            o.write(Files.readAllBytes(init));
            o.write(bytes, (int) offset, (int) length);
        }
        return out;
    }
}
