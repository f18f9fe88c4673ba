package org.mpp.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.MppException;
import org.mpp.config.Settings;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.Thumbnails;
import org.mpp.media.Thumbnails.Tile;
import org.mpp.testmedia.MediaDecoder;
import org.mpp.testmedia.MediaDecoder.VideoFrame;
import org.mpp.testmedia.SyntheticMedia;

class ThumbnailTrackTest {
    private static final Pattern CUE = Pattern.compile(
            "(\\d{2,}):(\\d{2}):(\\d{2})\\.(\\d{3}) --> (\\d{2,}):(\\d{2}):(\\d{2})\\.(\\d{3})\n([^#\n]+)#xywh=(\\d+),(\\d+),(\\d+),(\\d+)\n\n");

    @TempDir
    Path dir;

    @Test
    void writesOneStandardWebVttCuePerTile() throws IOException {
        Thumbnails t = new Thumbnails(dir.resolve("poster.jpg"), 640, 360, List.of(
                new Tile("thumbnails-1.jpg", 0, 0, 160, 90, 0, 5),
                new Tile("thumbnails-1.jpg", 160, 0, 160, 90, 5, 7.25)));
        Path vtt = dir.resolve("thumbnails.vtt");

        ThumbnailTrack.writeVtt(t, vtt);

        assertThat(Files.readString(vtt, StandardCharsets.UTF_8)).isEqualTo("""
                WEBVTT

                00:00:00.000 --> 00:00:05.000
                thumbnails-1.jpg#xywh=0,0,160,90

                00:00:05.000 --> 00:00:07.250
                thumbnails-1.jpg#xywh=160,0,160,90

                """);
    }

    @Test
    void timestampsCountHoursBeyondOneAndBeyondNinetyNine() {
        assertThat(ThumbnailTrack.timestamp(3723.4567)).isEqualTo("01:02:03.457");
        assertThat(ThumbnailTrack.timestamp(59.9996)).isEqualTo("00:01:00.000");
        assertThat(ThumbnailTrack.timestamp(100 * 3600 + 0.001)).isEqualTo("100:00:00.001");
    }

    @Test
    void replacesAnOldTrackAtomicallyLeavingNoTemporaryFile() throws IOException {
        Path vtt = dir.resolve("thumbnails.vtt");
        Files.writeString(vtt, "old and much longer than the new track ".repeat(20));

        ThumbnailTrack.writeVtt(new Thumbnails(dir.resolve("poster.jpg"), 2, 2, List.of(new Tile("t-1.jpg", 0, 0, 2, 2, 0, 1))), vtt);

        assertThat(Files.readString(vtt)).startsWith("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nt-1.jpg#xywh=0,0,2,2\n");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).containsExactly(vtt);
        }
    }

    @Test
    void aTrackThatCannotBeWrittenFailsNamingIt() {
        Path vtt = dir.resolve("missing-folder").resolve("thumbnails.vtt");

        assertThatThrownBy(() -> ThumbnailTrack.writeVtt(new Thumbnails(dir.resolve("p.jpg"), 2, 2, List.of()), vtt))
                .isInstanceOf(MppException.class).hasMessageContaining(vtt.toString());
    }

    @Test
    void theTrackOfRealStillsParsesWithContiguousCuesInsideTheirSheets() throws IOException {
        double seconds = 12;
        Path video = SyntheticMedia.builder().size(320, 180).fps(30).seconds(seconds).gop(60).noAudio().write(dir.resolve("v.mp4"));
        Path pack = dir.resolve("v-stream");
        Thumbnails t = new MediaEngine(new Settings.Media(6, 2, 1, 1))
                .writeStills(video, video, seconds, 0.1, 160, 1280, pack, Cancellation.none());
        Path vtt = pack.resolve("thumbnails.vtt");

        ThumbnailTrack.writeVtt(t, vtt);

        String text = Files.readString(vtt, StandardCharsets.UTF_8);
        assertThat(text).startsWith("WEBVTT\n\n");
        Matcher m = CUE.matcher(text);
        int at = "WEBVTT\n\n".length();
        long previousEnd = 0;
        List<String> sheets = new ArrayList<>();
        Map<String, int[]> sizes = new HashMap<>();
        while (m.find(at) && m.start() == at) {
            long start = millis(m, 1);
            long end = millis(m, 5);
            assertThat(start).as("cue %d starts where the one before ended", sheets.size()).isEqualTo(previousEnd);
            assertThat(end).isGreaterThan(start);
            String sheet = m.group(9);
            int[] size = sizes.computeIfAbsent(sheet, s -> sizeOf(pack.resolve(s)));
            int x = Integer.parseInt(m.group(10));
            int y = Integer.parseInt(m.group(11));
            assertThat(x + Integer.parseInt(m.group(12))).as("right edge in %s", sheet).isLessThanOrEqualTo(size[0]);
            assertThat(y + Integer.parseInt(m.group(13))).as("bottom edge in %s", sheet).isLessThanOrEqualTo(size[1]);
            sheets.add(sheet);
            previousEnd = end;
            at = m.end();
        }
        assertThat(at).as("everything after the header is cues").isEqualTo(text.length());
        assertThat(sheets).hasSize(120).containsOnly("thumbnails-1.jpg", "thumbnails-2.jpg");
        assertThat(previousEnd).as("the last cue ends at the video's end").isEqualTo(12_000);
    }

    private static long millis(Matcher m, int group) {
        return ((Long.parseLong(m.group(group)) * 60 + Long.parseLong(m.group(group + 1))) * 60 + Long.parseLong(m.group(group + 2))) * 1000
                + Long.parseLong(m.group(group + 3));
    }

    private static int[] sizeOf(Path jpeg) {
        try {
            List<VideoFrame> frames = MediaDecoder.decodeVideo(jpeg);
            assertThat(frames).as("pictures in %s", jpeg).hasSize(1);
            return new int[] {frames.get(0).width(), frames.get(0).height()};
        } catch (IOException e) {
            throw new AssertionError(jpeg + " does not decode", e);
        }
    }
}
