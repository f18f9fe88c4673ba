package org.mpp.packaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mpp.media.CmafTrack;
import org.mpp.media.CmafTrack.CmafSegment;

/**
 * The HLS playlists of a package (RFC 8216bis, version 7: fMP4 segments with {@code EXT-X-MAP}): a VOD media playlist
 * and an I-frame playlist per video track, a media playlist per audio track, and the master playlist naming them.
 * Pure text from the tracks' measured figures; the caller writes the files. Stateless.
 */
final class HlsPlaylists {
    static final String MASTER = "master.m3u8";
    static final String MEDIA = "index.m3u8";
    static final String IFRAMES = "iframes.m3u8";
    private static final int VERSION = 7;

    private HlsPlaylists() {
    }

    /** A variant: one video track and the audio track it plays with (null for a silent source). */
    record Variant(CmafTrack video, CmafTrack audio) {
    }

    /**
     * The master playlist: an audio group per audio track, a variant per video track (BANDWIDTH the peak segment bit
     * rate of video plus audio, AVERAGE-BANDWIDTH their averages, CODECS of both streams), and an I-frame stream per video
     * track. Paths are relative to the package folder.
     */
    static String master(List<Variant> variants, Map<CmafTrack, String> audioNames) {
        StringBuilder b = header();
        b.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        List<CmafTrack> audios = new ArrayList<>();
        for (Variant v : variants) {
            if (v.audio() != null && !audios.contains(v.audio())) {
                audios.add(v.audio());
            }
        }
        for (CmafTrack a : audios) {
            b.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"").append(group(a)).append("\",NAME=\"").append(audioNames.get(a))
                    .append("\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"").append(a.channels()).append("\",URI=\"")
                    .append(a.id()).append('/').append(MEDIA).append("\"\n");
        }
        for (Variant v : variants) {
            CmafTrack video = v.video();
            CmafTrack audio = v.audio();
            long peak = video.peakBitsPerSecond() + (audio == null ? 0 : audio.peakBitsPerSecond());
            long average = video.averageBitsPerSecond() + (audio == null ? 0 : audio.averageBitsPerSecond());
            b.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(peak).append(",AVERAGE-BANDWIDTH=").append(average)
                    .append(",RESOLUTION=").append(video.width()).append('x').append(video.height())
                    .append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", video.frameRate().toDouble()))
                    .append(",CODECS=\"").append(video.codecs()).append(audio == null ? "" : "," + audio.codecs()).append('"');
            if (audio != null) {
                b.append(",AUDIO=\"").append(group(audio)).append('"');
            }
            b.append(",CLOSED-CAPTIONS=NONE\n").append(video.id()).append('/').append(MEDIA).append('\n');
        }
        for (Variant v : variants) {
            CmafTrack video = v.video();
            b.append("#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=").append(iFramePeak(video)).append(",RESOLUTION=").append(video.width())
                    .append('x').append(video.height()).append(",CODECS=\"").append(video.codecs()).append("\",URI=\"")
                    .append(video.id()).append('/').append(IFRAMES).append("\"\n");
        }
        return b.toString();
    }

    /** A track's VOD media playlist, in its own folder beside its segments. */
    static String media(CmafTrack track) {
        StringBuilder b = vodHeader(track, "");
        for (CmafSegment s : track.segments()) {
            b.append("#EXTINF:").append(seconds(track, s.duration())).append(",\n").append(s.file()).append('\n');
        }
        return b.append("#EXT-X-ENDLIST\n").toString();
    }

    /**
     * A video track's I-frame playlist: the IDR that starts each segment, as the byte range from the segment's start
     * (its moof) to the end of that frame, lasting until the next segment.
     */
    static String iFrames(CmafTrack video) {
        StringBuilder b = vodHeader(video, "#EXT-X-I-FRAMES-ONLY\n");
        for (CmafSegment s : video.segments()) {
            b.append("#EXTINF:").append(seconds(video, s.duration())).append(",\n#EXT-X-BYTERANGE:").append(s.firstSampleEnd())
                    .append("@0\n").append(s.file()).append('\n');
        }
        return b.append("#EXT-X-ENDLIST\n").toString();
    }

    /** The head of a VOD playlist of {@code track}'s segments, {@code extra} tags after its type, its init segment last. */
    private static StringBuilder vodHeader(CmafTrack track, String extra) {
        StringBuilder b = header();
        b.append("#EXT-X-TARGETDURATION:").append(targetDuration(track)).append('\n');
        b.append("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n").append(extra).append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        return b.append("#EXT-X-MAP:URI=\"").append(CmafTrack.INIT).append("\"\n");
    }

    /** The smallest whole number of seconds no segment is longer than (a microsecond of rounding allowed). */
    static long targetDuration(CmafTrack track) {
        return Math.max(1, (long) Math.ceil(track.longestSegmentSeconds() - 1e-6));
    }

    private static long iFramePeak(CmafTrack video) {
        double peak = 0;
        for (CmafSegment s : video.segments()) {
            peak = Math.max(peak, s.firstSampleEnd() * 8.0 / video.seconds(s.duration()));
        }
        return (long) Math.ceil(peak);
    }

    private static String group(CmafTrack audio) {
        return audio.id();
    }

    private static String seconds(CmafTrack track, long ticks) {
        return String.format(Locale.ROOT, "%.6f", track.seconds(ticks));
    }

    private static StringBuilder header() {
        return new StringBuilder("#EXTM3U\n#EXT-X-VERSION:").append(VERSION).append('\n');
    }
}
