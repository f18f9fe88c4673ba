package org.mpp.media;

import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.mpp.Rational;

/**
 * Cuts a source's video track at keyframes into segments of about a target duration, by packet copy.
 *
 * <p>A cut at a keyframe is clean when no later packet shows before it. Open-GOP sources (MPEG-2, some
 * H.264) break that: the pictures after the keyframe in decode order but before it on screen reference the
 * previous GOP. For such a cut the file on each side is widened (the previous GOP as lead-in, the next GOP as
 * tail) and the transcoder keeps only the frames the segment owns. A widened segment is then decoded whole as a
 * check and the frames it owns are counted; the transcoder counts every segment's frames again.
 */
final class Segmenter {
    /** Matroska carries every codec we accept (H.264, HEVC, MPEG-2, VP9, ProRes, MJPEG) with any GOP structure. */
    static final String FORMAT = "matroska";
    static final String EXTENSION = ".mkv";

    private Segmenter() {
    }

    /** A segment to write: packets [first, end) in decode order, owning presentation times [from, to). */
    private record Plan(int index, int first, int end, long from, long to, long frames, boolean widened) {
    }

    /**
     * Splits {@code source} into {@code outDir}/segment-NNNNN.mkv.
     *
     * @throws BadInputException when a segment does not decode to the frames it should hold
     */
    static List<Segment> split(Path source, MediaInfo info, Path outDir, double targetSeconds, int decoderThreads,
            Progress progress, Cancellation cancel) {
        return split(source, info, null, outDir, targetSeconds, decoderThreads, org.mpp.config.Settings.Limits.reference(), false, progress,
                cancel, s -> { });
    }

    /**
     * As above, within {@code limits}: at most {@code maxSegments} segments, and video decoders that refuse pictures
     * beyond {@code maxPixels}.
     *
     * @param known the index of the video's packets the probe read, or null to read it here
     * @param checkStructure also make {@link StructureCheck}'s structural check of the whole source while cutting (every
     *     packet read, the audio decoded): one read of the file instead of two
     * @param written told of each segment as soon as its file is complete, in order, on the calling thread, except the
     *     widened ones (open GOP at a cut), which are decoded whole as a check after the cut and are only in the result
     * @throws BadInputException also when the source would need more segments than allowed, or (checkStructure) is damaged
     */
    static List<Segment> split(Path source, MediaInfo info, PacketIndex known, Path outDir, double targetSeconds, int decoderThreads,
            org.mpp.config.Settings.Limits limits, boolean checkStructure, Progress progress, Cancellation cancel,
            Consumer<Segment> written) {
        PacketIndex idx = known;
        if (idx == null) {
            try (Demuxer in = Demuxer.open(source)) {
                idx = PacketIndex.scan(in, in.bestStream(AVMEDIA_TYPE_VIDEO), -1, cancel);
            }
        }
        if (idx.shown == 0) {
            throw new BadInputException(source + ": the video stream has no frames");
        }
        List<Plan> plans = plan(idx, targetSeconds);
        if (plans.size() > limits.maxSegments()) {
            // Checked before a single segment file is written: a flood of tiny GOPs would fill the work folder and the
            // task tables.
            throw new BadInputException(source + ": would be cut into " + plans.size() + " segments of about " + targetSeconds
                    + " s, more than the " + limits.maxSegments() + " allowed (mpp.media.max-segments)");
        }
        progress.update(0.1);
        List<Segment> segments = write(source, idx, plans, outDir, checkStructure ? info : null, decoderThreads, limits.maxPixels(),
                progress.slice(0.1, 0.6), cancel, written);
        // A widened segment (open GOP at a cut) is decoded whole now: if its owned frames do not come out, the source
        // cannot be cut by copy and it is better to know before any encoding. A clean cut (a keyframe that no packet
        // before it shows after, and no leading pictures) decodes by construction; the transcode counts its frames
        // anyway, so checking its first GOP here would only decode it twice.
        Progress verifying = progress.slice(0.6, 1.0);
        for (int i = 0; i < segments.size(); i++) {
            cancel.check("Segmenting " + source);
            if (plans.get(i).widened) {
                SegmentCheck.verify(outDir.resolve(segments.get(i).file()), segments.get(i), decoderThreads, limits.maxPixels());
            }
            verifying.update((i + 1.0) / segments.size());
        }
        return segments;
    }

    private static List<Plan> plan(PacketIndex idx, double targetSeconds) {
        Rational target = Rational.parse(Double.toString(targetSeconds));
        List<Integer> cuts = new ArrayList<>();
        cuts.add(0);
        // Each cut is at the first keyframe at or after the next point of the grid start + k × target: where keyframes
        // fall between grid points the segments still average the target, instead of each one rounding up to the next
        // keyframe (10.17 s segments cut at 2 s keyframes came out 12 s long, and 600 s in 50 segments instead of 60).
        Rational lastStart = idx.startTime();
        Rational next = lastStart.plus(target);
        for (int i = 1; i < idx.count; i++) {
            Rational time = Rational.time(idx.pts[i], idx.timeBase);
            if (idx.key[i] && !idx.discard[i] && time.compareTo(next) >= 0 && isCut(idx, i)) {
                cuts.add(i);
                lastStart = time;
                while (next.compareTo(time) <= 0) {
                    next = next.plus(target);
                }
            }
        }
        // A short tail joins the segment before it.
        if (cuts.size() > 1 && idx.endTime().minus(lastStart).compareTo(target.times(Rational.of(1, 2))) < 0) {
            cuts.remove(cuts.size() - 1);
        }
        List<Plan> plans = new ArrayList<>();
        for (int j = 0; j < cuts.size(); j++) {
            int first = cuts.get(j);
            int end = j + 1 < cuts.size() ? cuts.get(j + 1) : idx.count;
            long from = j == 0 ? idx.sortedPts[0] : idx.pts[first];
            long to = j + 1 < cuts.size() ? idx.pts[end] : idx.endPts;
            boolean openStart = j > 0 && leadingPictures(idx, first);
            boolean openEnd = end < idx.count && leadingPictures(idx, end);
            int fileFirst = openStart ? previousKey(idx, first) : first;
            int fileEnd = openEnd ? nextKey(idx, end) : end;
            long frames = 0;
            for (int i = fileFirst; i < fileEnd; i++) {
                if (!idx.discard[i] && idx.pts[i] >= from && idx.pts[i] < to) {
                    frames++;
                }
            }
            plans.add(new Plan(j, fileFirst, fileEnd, from, to, frames, openStart || openEnd));
        }
        return plans;
    }

    /** A keyframe can start a segment if no packet before it in decode order shows after it. */
    private static boolean isCut(PacketIndex idx, int i) {
        for (int k = Math.max(0, i - 64); k < i; k++) {
            if (idx.pts[k] >= idx.pts[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when packets after keyframe {@code i} in decode order show before it (open GOP leading pictures). */
    private static boolean leadingPictures(PacketIndex idx, int i) {
        for (int k = i + 1; k < Math.min(idx.count, i + 64); k++) {
            if (idx.pts[k] < idx.pts[i]) {
                return true;
            }
        }
        return false;
    }

    private static int previousKey(PacketIndex idx, int i) {
        for (int k = i - 1; k > 0; k--) {
            if (idx.key[k]) {
                return k;
            }
        }
        return 0;
    }

    private static int nextKey(PacketIndex idx, int i) {
        for (int k = i + 1; k < idx.count; k++) {
            if (idx.key[k]) {
                return k;
            }
        }
        return idx.count;
    }

    /** Writes the planned segments; with {@code checked} (the source's info) also makes the structural check. */
    private static List<Segment> write(Path source, PacketIndex idx, List<Plan> plans, Path outDir, MediaInfo checked,
            int decoderThreads, long maxPixels, Progress progress, Cancellation cancel, Consumer<Segment> written) {
        List<Segment> segments = new ArrayList<>();
        Segment[] byIndex = new Segment[plans.size()];
        Muxer[] open = new Muxer[plans.size()];
        AVPacket pkt = avcodec.av_packet_alloc();
        try (Demuxer in = Demuxer.open(source);
                StructureCheck check = checked == null ? null : new StructureCheck(in, source, checked, decoderThreads, false, maxPixels)) {
            Rational tb = idx.timeBase;
            int packet = -1;
            while (check != null ? check.read(pkt) : in.read(pkt)) {
                if (check != null) {
                    check.accept(pkt);
                }
                if (pkt.stream_index() != idx.stream || (pkt.pts() == org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE
                        && pkt.dts() == org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE)) {
                    continue;
                }
                packet++;
                if ((packet & 255) == 0) {
                    cancel.check("Segmenting " + source);
                    progress.update((double) packet / idx.count);
                }
                for (Plan p : plans) {
                    if (packet < p.first || packet >= p.end) {
                        continue;
                    }
                    if (packet == p.first) {
                        String name = String.format("segment-%05d%s", p.index, EXTENSION);
                        open[p.index] = Muxer.create(outDir.resolve(name), FORMAT);
                        open[p.index].addCopyStream(in.stream(idx.stream).codecpar(), tb);
                        open[p.index].start(Map.of());
                        byIndex[p.index] = new Segment(p.index, name, Rational.time(p.from, tb), Rational.time(p.to, tb),
                                Rational.time(pkt.pts() != org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE ? pkt.pts() : pkt.dts(), tb),
                                p.frames);
                        segments.add(byIndex[p.index]);
                    }
                    AVPacket copy = avcodec.av_packet_clone(pkt);
                    copy.stream_index(0);
                    avcodec.av_packet_rescale_ts(copy, Ffmpeg.av(tb), Ffmpeg.av(open[p.index].timeBase(0)));
                    open[p.index].write(copy);
                    avcodec.av_packet_free(copy);
                    if (packet == p.end - 1) {
                        open[p.index].finish();
                        open[p.index].close();
                        open[p.index] = null;
                        if (!p.widened) {
                            written.accept(byIndex[p.index]);
                        }
                    }
                }
            }
            if (check != null) {
                check.finish();
            }
        } finally {
            avcodec.av_packet_free(pkt);
            for (Muxer m : open) {
                if (m != null) {
                    m.close();
                }
            }
        }
        segments.sort(java.util.Comparator.comparingInt(Segment::index));
        if (segments.size() != plans.size()) {
            throw new MediaException(source + ": read " + segments.size() + " of " + plans.size()
                    + " planned segments; the file changed while it was being cut");
        }
        return segments;
    }
}
