package org.mpp.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mpp.Rational;
import org.mpp.media.CmafTrack;
import org.mpp.media.CmafTrack.CmafSegment;
import org.mpp.media.CmafTrack.Kind;

/** The text of the HLS playlists and the DASH manifest from tracks of known figures. */
class ManifestsTest {
    /** 720p at 30 fps: segments of 4, 4 and 1 s; 1 MB, 2 MB (the peak: 4 Mb/s) and 0.1 MB; IDRs of 40, 50 and 30 kB (the last: 240 kb/s). */
    private static final CmafTrack HD = new CmafTrack(Kind.VIDEO, "video-720p30", "avc1.4d401f", 1280, 720, Rational.of(30), 0, 0, 15360,
            List.of(new CmafSegment("00001.m4s", 0, 61440, 1_000_000, 40_000), new CmafSegment("00002.m4s", 61440, 61440, 2_000_000, 50_000),
                    new CmafSegment("00003.m4s", 122880, 15360, 100_000, 30_000)));
    /** A smaller rung capped higher, at 60 fps. */
    private static final CmafTrack SD = new CmafTrack(Kind.VIDEO, "video-360p60", "avc1.42c01e", 640, 360, Rational.of(60), 0, 0, 15360,
            List.of(new CmafSegment("00001.m4s", 0, 61440, 500_000, 20_000), new CmafSegment("00002.m4s", 61440, 61440, 500_000, 20_000),
                    new CmafSegment("00003.m4s", 122880, 15360, 50_000, 10_000)));
    /** AAC cut to the nearest frame: 3.989, 4.011 (over 4 s) and 1.024 s, the longest track (9.024 s). */
    private static final CmafTrack AUDIO = new CmafTrack(Kind.AUDIO, "audio-128k", "mp4a.40.2", 0, 0, null, 2, 48000, 48000,
            List.of(new CmafSegment("00001.m4s", 0, 191488, 64_000, 400), new CmafSegment("00002.m4s", 191488, 192512, 64_000, 400),
                    new CmafSegment("00003.m4s", 384000, 49152, 16_000, 400)));

    @Test
    void theMasterPlaylistMeasuresBandwidthFromTheSegmentsAndNamesTheAudioGroup() {
        String master = HlsPlaylists.master(List.of(new HlsPlaylists.Variant(HD, AUDIO), new HlsPlaylists.Variant(SD, AUDIO)),
                Map.of(AUDIO, "AAC 128 kb/s"));

        long audioPeak = (long) Math.ceil(64_000 * 8 / (191488 / 48000.0));
        assertThat(master).startsWith("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n")
                .contains("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio-128k\",NAME=\"AAC 128 kb/s\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"2\","
                        + "URI=\"audio-128k/index.m3u8\"\n")
                .contains("#EXT-X-STREAM-INF:BANDWIDTH=" + (4_000_000 + audioPeak) + ",AVERAGE-BANDWIDTH=")
                .contains(",RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS=\"avc1.4d401f,mp4a.40.2\",AUDIO=\"audio-128k\",CLOSED-CAPTIONS=NONE\n"
                        + "video-720p30/index.m3u8\n")
                .contains("FRAME-RATE=60.000,CODECS=\"avc1.42c01e,mp4a.40.2\"")
                .contains("#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=240000,RESOLUTION=1280x720,CODECS=\"avc1.4d401f\",URI=\"video-720p30/iframes.m3u8\"");
        long average = (long) Math.ceil(3_100_000 * 8 / 9.0) + AUDIO.averageBitsPerSecond();
        assertThat(master).contains("AVERAGE-BANDWIDTH=" + average + ",");
    }

    @Test
    void mediaPlaylistsRoundTheTargetDurationUpSoNoSegmentIsLonger() {
        assertThat(HlsPlaylists.media(HD)).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-TARGETDURATION:4
                #EXT-X-MEDIA-SEQUENCE:0
                #EXT-X-PLAYLIST-TYPE:VOD
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MAP:URI="init.mp4"
                #EXTINF:4.000000,
                00001.m4s
                #EXTINF:4.000000,
                00002.m4s
                #EXTINF:1.000000,
                00003.m4s
                #EXT-X-ENDLIST
                """);
        assertThat(HlsPlaylists.media(AUDIO)).contains("#EXT-X-TARGETDURATION:5\n", "#EXTINF:4.010667,\n00002.m4s\n");
        assertThat(HlsPlaylists.iFrames(HD)).contains("#EXT-X-I-FRAMES-ONLY\n", "#EXT-X-MAP:URI=\"init.mp4\"\n",
                "#EXTINF:4.000000,\n#EXT-X-BYTERANGE:50000@0\n00002.m4s\n");
    }

    @Test
    void theDashManifestHasAnExactTimelinePerRepresentationOverTheSameFiles() {
        String mpd = DashManifest.of(List.of(HD, SD, AUDIO));

        assertThat(mpd).contains("type=\"static\"", "mediaPresentationDuration=\"PT9.024S\"", "minBufferTime=\"PT5.000S\"",
                "contentType=\"video\" mimeType=\"video/mp4\" segmentAlignment=\"true\" startWithSAP=\"1\"",
                "maxWidth=\"1280\" maxHeight=\"720\" maxFrameRate=\"60\" par=\"16:9\"",
                "<Representation id=\"video-720p30\" bandwidth=\"4000000\" codecs=\"avc1.4d401f\" width=\"1280\" height=\"720\" frameRate=\"30\"",
                "initialization=\"$RepresentationID$/init.mp4\" media=\"$RepresentationID$/$Number%05d$.m4s\" startNumber=\"1\"",
                "<S t=\"0\" d=\"61440\" r=\"1\"/>\n            <S t=\"122880\" d=\"15360\"/>",
                "<S t=\"0\" d=\"191488\"/>\n            <S t=\"191488\" d=\"192512\"/>\n            <S t=\"384000\" d=\"49152\"/>",
                "audioSamplingRate=\"48000\"", "audio_channel_configuration:2011\" value=\"2\"");
    }

    @Test
    void renditionsCutHalfAFrameApartAreNotClaimedAligned() {
        CmafTrack late = new CmafTrack(Kind.VIDEO, "video-360p25", "avc1.42c01e", 640, 360, Rational.of(25), 0, 0, 12800,
                List.of(new CmafSegment("00001.m4s", 0, 57856, 500_000, 20_000), new CmafSegment("00002.m4s", 57856, 57344, 500_000, 20_000),
                        new CmafSegment("00003.m4s", 115200, 21248, 50_000, 10_000)));

        assertThat(DashManifest.aligned(List.of(HD, SD))).isTrue();
        assertThat(DashManifest.aligned(List.of(HD, late))).as("4.52 s against 4.00 s").isFalse();
        assertThat(DashManifest.of(List.of(HD, late, AUDIO))).doesNotContain("contentType=\"video\" mimeType=\"video/mp4\" segmentAlignment");
    }
}
