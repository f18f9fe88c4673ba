package org.mpp.packaging;

import java.util.List;
import java.util.Locale;
import org.mpp.Rational;
import org.mpp.media.CmafTrack;
import org.mpp.media.CmafTrack.CmafSegment;
import org.mpp.media.CmafTrack.Kind;

/**
 * The static DASH manifest of a package (ISO/IEC 23009-1, live and CMAF profiles) over the same segment files the HLS
 * playlists name: one period, a video adaptation set holding every rendition and an audio adaptation set holding every
 * audio bit rate, each representation with its own {@code SegmentTemplate} and {@code SegmentTimeline} (exact start and
 * length of every segment in the track's timescale). Stateless.
 */
final class DashManifest {
    static final String NAME = "manifest.mpd";

    private DashManifest() {
    }

    static String of(List<CmafTrack> tracks) {
        double duration = tracks.stream().mapToDouble(CmafTrack::durationSeconds).max().orElse(0);
        double longest = tracks.stream().mapToDouble(CmafTrack::longestSegmentSeconds).max().orElse(0);
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type=\"static\"")
                .append(" profiles=\"urn:mpeg:dash:profile:isoff-live:2011,urn:mpeg:dash:profile:cmaf:2019\"")
                .append(" mediaPresentationDuration=\"").append(duration(duration)).append('"')
                .append(" minBufferTime=\"").append(duration(Math.ceil(longest))).append("\">\n");
        b.append("  <Period id=\"0\" start=\"PT0S\">\n");
        List<CmafTrack> videos = tracks.stream().filter(t -> t.kind() == Kind.VIDEO).toList();
        List<CmafTrack> audios = tracks.stream().filter(t -> t.kind() == Kind.AUDIO).toList();
        if (!videos.isEmpty()) {
            CmafTrack top = videos.get(0);
            b.append("    <AdaptationSet id=\"0\" contentType=\"video\" mimeType=\"video/mp4\"")
                    .append(aligned(videos) ? " segmentAlignment=\"true\"" : "")
                    .append(" startWithSAP=\"1\" maxWidth=\"").append(videos.stream().mapToInt(CmafTrack::width).max().orElse(0))
                    .append("\" maxHeight=\"").append(videos.stream().mapToInt(CmafTrack::height).max().orElse(0))
                    .append("\" maxFrameRate=\"").append(frameRate(fastest(videos))).append("\" par=\"").append(aspect(top)).append("\">\n");
            for (CmafTrack v : videos) {
                b.append("      <Representation id=\"").append(v.id()).append("\" bandwidth=\"").append(v.peakBitsPerSecond())
                        .append("\" codecs=\"").append(v.codecs()).append("\" width=\"").append(v.width()).append("\" height=\"")
                        .append(v.height()).append("\" frameRate=\"").append(frameRate(v.frameRate())).append("\" sar=\"1:1\">\n");
                template(b, v);
                b.append("      </Representation>\n");
            }
            b.append("    </AdaptationSet>\n");
        }
        if (!audios.isEmpty()) {
            b.append("    <AdaptationSet id=\"1\" contentType=\"audio\" mimeType=\"audio/mp4\" segmentAlignment=\"true\" startWithSAP=\"1\">\n");
            for (CmafTrack a : audios) {
                b.append("      <Representation id=\"").append(a.id()).append("\" bandwidth=\"").append(a.peakBitsPerSecond())
                        .append("\" codecs=\"").append(a.codecs()).append("\" audioSamplingRate=\"").append(a.sampleRate()).append("\">\n");
                b.append("        <AudioChannelConfiguration schemeIdUri=\"urn:mpeg:dash:23003:3:audio_channel_configuration:2011\"")
                        .append(" value=\"").append(a.channels()).append("\"/>\n");
                template(b, a);
                b.append("      </Representation>\n");
            }
            b.append("    </AdaptationSet>\n");
        }
        return b.append("  </Period>\n</MPD>\n").toString();
    }

    /** Segment files by number, and a timeline with every segment's start and length (runs of equal ones folded). */
    private static void template(StringBuilder b, CmafTrack t) {
        b.append("        <SegmentTemplate timescale=\"").append(t.timescale()).append("\" initialization=\"$RepresentationID$/")
                .append(CmafTrack.INIT).append("\" media=\"$RepresentationID$/$Number%05d$.m4s\" startNumber=\"1\">\n");
        b.append("          <SegmentTimeline>\n");
        List<CmafSegment> segments = t.segments();
        for (int i = 0; i < segments.size(); ) {
            CmafSegment s = segments.get(i);
            int repeat = 0;
            while (i + repeat + 1 < segments.size() && follows(segments.get(i + repeat), segments.get(i + repeat + 1))
                    && segments.get(i + repeat + 1).duration() == s.duration()) {
                repeat++;
            }
            b.append("            <S t=\"").append(s.start()).append("\" d=\"").append(s.duration()).append('"');
            if (repeat > 0) {
                b.append(" r=\"").append(repeat).append('"');
            }
            b.append("/>\n");
            i += repeat + 1;
        }
        b.append("          </SegmentTimeline>\n        </SegmentTemplate>\n");
    }

    /**
     * Whether the tracks' segments start at the same times (to the millisecond). Renditions at different frame rates of a
     * variable-rate source can have their keyframes up to half a frame apart; the manifest then does not claim alignment.
     */
    static boolean aligned(List<CmafTrack> tracks) {
        CmafTrack first = tracks.get(0);
        for (CmafTrack t : tracks) {
            if (t.segments().size() != first.segments().size()) {
                return false;
            }
            for (int i = 0; i < t.segments().size(); i++) {
                if (Math.abs(t.seconds(t.segments().get(i).start()) - first.seconds(first.segments().get(i).start())) > 0.001) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Rational fastest(List<CmafTrack> videos) {
        return videos.stream().map(CmafTrack::frameRate).max(Rational::compareTo).orElseThrow();
    }

    private static boolean follows(CmafSegment a, CmafSegment b) {
        return a.start() + a.duration() == b.start();
    }

    private static String frameRate(Rational r) {
        return r.den() == 1 ? Long.toString(r.num()) : r.num() + "/" + r.den();
    }

    private static String aspect(CmafTrack v) {
        long g = gcd(v.width(), v.height());
        return v.width() / g + ":" + v.height() / g;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** An xs:duration in seconds, to the millisecond. */
    static String duration(double seconds) {
        return String.format(Locale.ROOT, "PT%.3fS", seconds);
    }
}
