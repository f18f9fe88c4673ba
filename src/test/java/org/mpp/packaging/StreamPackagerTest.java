package org.mpp.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.config.Settings;
import org.mpp.config.Settings.Format;
import org.mpp.ladder.OutputSpec;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.media.BadInputException;
import org.mpp.media.Cancellation;
import org.mpp.media.CancelledException;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaException;
import org.mpp.media.MediaInfo;
import org.mpp.pipeline.LocalTranscoder;
import org.mpp.testmedia.MediaDecoder;
import org.mpp.testmedia.SyntheticMedia;

/** What a package folder holds for each choice of formats, and that it appears whole or not at all. */
class StreamPackagerTest {
    private static final List<OutputSpec> LADDER = List.of(
            new OutputSpec(320, 180, 26, "ultrafast", "main", 30, 96),
            new OutputSpec(160, 90, 28, "ultrafast", "baseline", 30, 64));

    @TempDir
    static Path shared;
    static MediaEngine media;
    static List<StreamPackager.Rendered> renditions;

    @TempDir
    Path dir;

    @BeforeAll
    static void renditions() throws IOException {
        media = new MediaEngine(new Settings.Media(4.0, 2.0, 0, 0));
        Path source = SyntheticMedia.builder().size(320, 180).fps(30).seconds(11).audio(2, 48000).write(shared.resolve("talk.mp4"));
        Path out = shared.resolve("out");
        new LocalTranscoder(media, LADDER, shared.resolve("work"), false).transcode(source, out, (s, f) -> { }, Cancellation.none());
        MediaInfo info = media.probe(source, Cancellation.none());
        List<Rendition> planned = RenditionPlanner.plan("talk", 320, 180, info.video().nominalFrameRate(), LADDER);
        renditions = planned.stream().map(r -> new StreamPackager.Rendered(r, out.resolve(r.fileName()))).toList();
    }

    private static StreamPackager packager(Set<Format> formats) {
        return new StreamPackager(media, new Settings.Packaging(formats, 4, 5));
    }

    @Test
    void hlsAndDashShareOneSetOfSegmentsWithPosterAndThumbnails() throws IOException {
        StreamPackager.StreamPackage p = packager(Settings.Packaging.defaults().formats())
                .write("talk", renditions, true, dir, Cancellation.none()).orElseThrow();

        assertThat(p.dir()).isEqualTo(dir.resolve("talk-stream"));
        assertThat(p.manifests()).containsExactly(p.dir().resolve("master.m3u8"), p.dir().resolve("manifest.mpd"));
        assertThat(files(p.dir())).contains("master.m3u8", "manifest.mpd", "poster.jpg", "thumbnails.vtt", "thumbnails-1.jpg",
                "video-180p30/init.mp4", "video-180p30/00001.m4s", "video-180p30/00003.m4s", "video-180p30/index.m3u8",
                "video-180p30/iframes.m3u8", "video-90p30/index.m3u8", "audio-96k/index.m3u8", "audio-64k/00003.m4s")
                .doesNotContain("video-180p30/00004.m4s").noneMatch(f -> f.contains("/.") || f.startsWith("."));
        String mpd = Files.readString(p.dir().resolve("manifest.mpd"));
        assertThat(mpd).contains("id=\"video-180p30\"", "id=\"video-90p30\"", "id=\"audio-96k\"", "id=\"audio-64k\"");
        String master = Files.readString(p.dir().resolve("master.m3u8"));
        assertThat(master).contains("AUDIO=\"audio-96k\"", "AUDIO=\"audio-64k\"", "RESOLUTION=320x180", "RESOLUTION=160x90");
        MediaDecoder.VideoFrame poster = MediaDecoder.decodeVideo(p.dir().resolve("poster.jpg")).get(0);
        assertThat(poster.width()).as("poster at the largest rendition's size").isEqualTo(320);
        assertThat(Files.readString(p.dir().resolve("thumbnails.vtt"))).startsWith("WEBVTT")
                .contains("00:00:00.000 --> 00:00:05.000\nthumbnails-1.jpg#xywh=0,0,160,90");
    }

    @Test
    void eachFormatAloneWritesOnlyItsManifestAndMp4AloneWritesNoPackage() throws IOException {
        Path hls = packager(Set.of(Format.HLS)).write("talk", renditions, true, dir.resolve("hls"), Cancellation.none()).orElseThrow().dir();
        Path dash = packager(Set.of(Format.DASH)).write("talk", renditions, true, dir.resolve("dash"), Cancellation.none()).orElseThrow().dir();

        assertThat(files(hls)).contains("master.m3u8", "video-180p30/index.m3u8").doesNotContain("manifest.mpd");
        assertThat(files(dash)).contains("manifest.mpd", "video-180p30/00001.m4s").noneMatch(f -> f.endsWith(".m3u8"));
        assertThat(packager(Set.of(Format.MP4)).write("talk", renditions, true, dir.resolve("mp4"), Cancellation.none())).isEmpty();
        assertThat(dir.resolve("mp4")).doesNotExist();
    }

    @Test
    void theLocalPipelineWithoutMp4LeavesOnlyThePackage() throws IOException {
        Path source = SyntheticMedia.builder().size(320, 180).seconds(2).write(dir.resolve("short.mp4"));
        LocalTranscoder local = new LocalTranscoder(media, LADDER, dir.resolve("work"), false, new Settings.Packaging(Set.of(Format.HLS), 4, 5));

        LocalTranscoder.Result r = local.transcode(source, dir.resolve("out"), (s, f) -> { }, Cancellation.none());

        assertThat(r.outputs()).isEmpty();
        assertThat(r.manifests()).containsExactly(dir.resolve("out/short-stream/master.m3u8"));
        try (Stream<Path> out = Files.list(dir.resolve("out"))) {
            assertThat(out.map(p -> p.getFileName().toString())).containsExactly("short-stream");
        }
    }

    @Test
    void aSilentSourceGetsVideoOnlyVariants() throws IOException {
        Path p = packager(Settings.Packaging.defaults().formats()).write("talk", renditions, false, dir, Cancellation.none()).orElseThrow().dir();

        assertThat(files(p)).noneMatch(f -> f.startsWith("audio-"));
        String master = Files.readString(p.resolve("master.m3u8"));
        assertThat(master).doesNotContain("EXT-X-MEDIA:TYPE=AUDIO", "mp4a").contains("CODECS=\"avc1.");
        assertThat(Files.readString(p.resolve("manifest.mpd"))).doesNotContain("contentType=\"audio\"");
    }

    @Test
    void aNewPackageReplacesAnEarlierAttemptsWhole() throws IOException {
        Path stale = Files.createDirectories(dir.resolve("talk-stream/video-1080p30"));
        Files.writeString(stale.resolve("00001.m4s"), "an earlier attempt's");

        Path p = packager(Settings.Packaging.defaults().formats()).write("talk", renditions, true, dir, Cancellation.none()).orElseThrow().dir();

        assertThat(files(p)).noneMatch(f -> f.startsWith("video-1080p30"));
        assertThat(hidden(dir)).isEmpty();
    }

    @Test
    void aCancelledOrFailedPackageLeavesNothingBehind() throws IOException {
        Cancellation cancel = new Cancellation();
        cancel.cancel();
        assertThatThrownBy(() -> packager(Settings.Packaging.defaults().formats()).write("talk", renditions, true, dir, cancel))
                .isInstanceOf(CancelledException.class);
        List<StreamPackager.Rendered> broken = List.of(renditions.get(0),
                new StreamPackager.Rendered(renditions.get(1).rendition(), dir.resolve("missing.mp4")));
        assertThatThrownBy(() -> packager(Settings.Packaging.defaults().formats()).write("talk", broken, true, dir, Cancellation.none()))
                .isInstanceOf(MediaException.class).hasMessageContaining("missing.mp4")
                .as("a rendition is MPP's output: its loss is no fault of the source").isNotInstanceOf(BadInputException.class);

        assertThat(dir.resolve("talk-stream")).doesNotExist();
        assertThat(hidden(dir)).isEmpty();
    }

    @Test
    void aRenditionWhoseKeyframesMissTheCutsFailsNamingItsFileAndLeavesNothing() throws IOException {
        Path offGrid = SyntheticMedia.builder().size(320, 180).fps(30).seconds(11).gop(45).audio(2, 48000).write(dir.resolve("off-grid.mp4"));
        List<StreamPackager.Rendered> unaligned = List.of(renditions.get(0), new StreamPackager.Rendered(renditions.get(1).rendition(), offGrid));

        assertThatThrownBy(() -> packager(Settings.Packaging.defaults().formats()).write("talk", unaligned, true, dir, Cancellation.none()))
                .isInstanceOf(MediaException.class).hasMessageContaining("off-grid.mp4").hasMessageContaining("no keyframe at 4.000 s");

        assertThat(dir.resolve("talk-stream")).doesNotExist();
        assertThat(hidden(dir)).isEmpty();
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static List<Path> hidden(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
