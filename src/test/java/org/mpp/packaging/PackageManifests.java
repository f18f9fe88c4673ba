package org.mpp.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The manifests of a written package, parsed by hand (independently of the code that wrote them) for the tests. */
final class PackageManifests {
    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Z0-9-]+)=(\"[^\"]*\"|[^,]*)");
    private static final Pattern REPRESENTATION = Pattern.compile("<Representation id=\"([^\"]+)\" bandwidth=\"(\\d+)\"(.*?)</Representation>",
            Pattern.DOTALL);
    private static final Pattern TIMESCALE = Pattern.compile("timescale=\"(\\d+)\"");
    private static final Pattern S = Pattern.compile("<S t=\"(\\d+)\" d=\"(\\d+)\"(?: r=\"(\\d+)\")?/>");

    private PackageManifests() {
    }

    /** An {@code EXT-X-STREAM-INF} of the master playlist: its attributes and URI. */
    record Variant(Map<String, String> attributes, String uri) {
        long bandwidth() {
            return Long.parseLong(attributes.get("BANDWIDTH"));
        }

        String codecs() {
            return attributes.get("CODECS");
        }

        String audioGroup() {
            return attributes.get("AUDIO");
        }
    }

    /** A media segment of a media or I-frame playlist: its EXTINF, byte range (length -1 when none) and file. */
    record Entry(double seconds, long length, long offset, String uri) {
    }

    /** A media or I-frame playlist. */
    record MediaPlaylist(long targetDuration, List<Entry> entries) {
        /** The start of every segment: the running sum of the EXTINFs before it. */
        List<Double> starts() {
            List<Double> out = new ArrayList<>();
            double t = 0;
            for (Entry e : entries) {
                out.add(t);
                t += e.seconds();
            }
            return out;
        }
    }

    /** A DASH Representation: its bandwidth and every segment's start and length in seconds. */
    record Representation(String id, long bandwidth, String codecs, List<double[]> segments) {
        List<Double> starts() {
            return segments.stream().map(s -> s[0]).toList();
        }
    }

    static List<Variant> variants(Path master) throws IOException {
        List<Variant> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(master);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("#EXT-X-STREAM-INF:")) {
                out.add(new Variant(attributes(lines.get(i).substring("#EXT-X-STREAM-INF:".length())), lines.get(i + 1)));
            }
        }
        return out;
    }

    /** The attributes of every line of the master playlist starting with {@code tag} (e.g. "#EXT-X-MEDIA:"). */
    static List<Map<String, String>> tags(Path master, String tag) throws IOException {
        return Files.readAllLines(master).stream().filter(l -> l.startsWith(tag)).map(l -> attributes(l.substring(tag.length()))).toList();
    }

    static MediaPlaylist media(Path playlist) throws IOException {
        long target = -1;
        List<Entry> entries = new ArrayList<>();
        double seconds = Double.NaN;
        long length = -1;
        long offset = 0;
        for (String l : Files.readAllLines(playlist)) {
            if (l.startsWith("#EXT-X-TARGETDURATION:")) {
                target = Long.parseLong(l.substring("#EXT-X-TARGETDURATION:".length()));
            } else if (l.startsWith("#EXTINF:")) {
                seconds = Double.parseDouble(l.substring("#EXTINF:".length(), l.indexOf(',')));
            } else if (l.startsWith("#EXT-X-BYTERANGE:")) {
                String[] r = l.substring("#EXT-X-BYTERANGE:".length()).split("@");
                length = Long.parseLong(r[0]);
                offset = r.length > 1 ? Long.parseLong(r[1]) : 0;
            } else if (!l.isBlank() && !l.startsWith("#")) {
                entries.add(new Entry(seconds, length, offset, l));
                length = -1;
                offset = 0;
            }
        }
        return new MediaPlaylist(target, entries);
    }

    /** Every Representation of the MPD by id, its SegmentTimeline expanded. */
    static Map<String, Representation> representations(Path mpd) throws IOException {
        Map<String, Representation> out = new LinkedHashMap<>();
        Matcher r = REPRESENTATION.matcher(Files.readString(mpd));
        while (r.find()) {
            String body = r.group(3);
            Matcher ts = TIMESCALE.matcher(body);
            if (!ts.find()) {
                throw new AssertionError("no timescale in Representation " + r.group(1));
            }
            double scale = Double.parseDouble(ts.group(1));
            List<double[]> segments = new ArrayList<>();
            Matcher s = S.matcher(body);
            while (s.find()) {
                long t = Long.parseLong(s.group(1));
                long d = Long.parseLong(s.group(2));
                int repeat = s.group(3) == null ? 0 : Integer.parseInt(s.group(3));
                for (int k = 0; k <= repeat; k++, t += d) {
                    segments.add(new double[] {t / scale, d / scale});
                }
            }
            Matcher codecs = Pattern.compile("codecs=\"([^\"]+)\"").matcher(body);
            out.put(r.group(1), new Representation(r.group(1), Long.parseLong(r.group(2)), codecs.find() ? codecs.group(1) : null, segments));
        }
        return out;
    }

    private static Map<String, String> attributes(String list) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(list);
        while (m.find()) {
            String v = m.group(2);
            out.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        return out;
    }
}
