package org.mpp.media;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.mpp.PhaseTimes;
import org.mpp.Rational;
import org.mpp.PhaseTimes.Phase;
import org.mpp.config.Settings;
import org.mpp.ladder.Rendition;

/**
 * The front door to every FFmpeg operation MPP performs, in-process through bytedeco's FFmpeg (GPL build,
 * libx264). Stateless apart from its settings: thread-safe, and any number of operations may run at once on
 * different threads. Each long operation reports progress, honours a {@link Cancellation} within one frame,
 * and writes its files atomically (a failure or cancel leaves no partial file).
 *
 * <p>Failures throw {@link BadInputException} when the input itself is unusable (fail the job, quarantine
 * the source) and {@link MediaException} otherwise (retry may succeed).
 */
public final class MediaEngine {
    private static final ProbesAhead PROBES_AHEAD = new ProbesAhead();
    private final Settings.Media settings;
    private final PhaseTimes times;

    /**
     * Starts loading FFmpeg's natives on a daemon thread and returns at once: a process that is about to open its
     * database (a node starting, {@code mpp run}) overlaps the two instead of loading the natives at its first probe,
     * about 0.4 s later on a cold start; then warms the JSON of probes up ({@link MediaInfo#warmUpJson}). A failure here
     * is left for that first use to report.
     */
    public static void preload() {
        Thread t = new Thread(() -> {
            try {
                Ffmpeg.requireLibx264();
                org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.global.swscale.class);
                org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.global.swresample.class);
                org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.global.avfilter.class);
                MediaInfo.warmUpJson();
            } catch (Throwable e) {
                org.slf4j.LoggerFactory.getLogger(MediaEngine.class).debug("Preloading FFmpeg failed (its first use will say why): {}", e.toString());
            }
        }, "mpp-ffmpeg-load");
        t.setDaemon(true);
        t.start();
    }

    /** @throws MediaException when the FFmpeg natives lack libx264 (the LGPL build was packaged) */
    public MediaEngine(Settings.Media settings) {
        this(settings, new PhaseTimes());
    }

    /**
     * An engine that adds the time of each operation (and of the parts of an export) to {@code times}.
     *
     * @throws MediaException when the FFmpeg natives lack libx264 (the LGPL build was packaged)
     */
    public MediaEngine(Settings.Media settings, PhaseTimes times) {
        this.settings = settings;
        this.times = times;
        Ffmpeg.requireLibx264();
    }

    /**
     * Gives the memory FFmpeg and x264 freed back to the operating system (glibc's malloc_trim): glibc otherwise keeps
     * freed buffers in its arenas and returns them in steps, so a node's RSS crept up in steps of about 12 MiB over 50
     * small jobs with no leak. Takes milliseconds; a node calls it after each task.
     */
    public void releaseFreedMemory() {
        org.bytedeco.javacpp.Pointer.trimMemory();
    }

    /**
     * Reads streams, timing, rotation and keyframes without decoding, and refuses (as {@link BadInputException}) a source
     * beyond the limits of {@code mpp.media}: longer than max-source-seconds, a picture over max-pixels, a frame on screen
     * longer than max-frame-gap-seconds, audio that stops or starts late for longer than max-audio-gap-seconds.
     */
    public MediaInfo probe(Path source, Cancellation cancel) {
        return times.time(Phase.PROBE, () -> Prober.probe(source, settings.limits(), cancel));
    }

    /** Decodes every video and audio frame; throws {@link BadInputException} on any damage or truncation. */
    public void verify(Path source, MediaInfo info, Progress progress, Cancellation cancel) {
        times.time(Phase.VERIFY, () -> IntegrityChecker.check(source, info, settings.decoderThreads(), true, settings.limits().maxPixels(), progress, cancel));
    }

    /**
     * Cuts the video at keyframes into segments of about {@code mpp.media.segment-seconds}, in {@code outDir}; refuses a
     * source that needs more than {@code mpp.media.max-segments}.
     */
    public List<Segment> split(Path source, MediaInfo info, Path outDir, Progress progress, Cancellation cancel) {
        return times.time(Phase.SPLIT, () -> Segmenter.split(source, info, null, outDir, settings.segmentSeconds(), settings.decoderThreads(),
                settings.limits(), false, progress, cancel, segment -> { }));
    }

    /**
     * A probed source, with the index of its video packets that the probe read: {@link #split(Probed, boolean, Path,
     * Progress, Cancellation)} plans the cut from it instead of reading the file once more for it.
     */
    public static final class Probed {
        private final Path source;
        private final Prober.Scanned scanned;

        private Probed(Path source, Prober.Scanned scanned) {
            this.source = source;
            this.scanned = scanned;
        }

        public MediaInfo info() {
            return scanned.info();
        }
    }

    /**
     * Starts probing {@code source} on a daemon thread, under {@code limits}, for an ingest of that very file in this
     * process: its {@link #probeToCut} takes the result instead of reading the file again, provided the file has not
     * changed meanwhile (see {@link ProbesAhead}). {@code mpp run} calls it while the node opens its database. Nothing
     * needs to wait for the returned outcome; a failure is reported again by the ingest's own probe.
     */
    public static CompletableFuture<MediaInfo> probeAhead(Path source, Settings.Limits limits) {
        return PROBES_AHEAD.start(source, limits);
    }

    /** As {@link #probe}, keeping what the cut needs; starts from a {@link #probeAhead} of this file where there is one. */
    public Probed probeToCut(Path source, Cancellation cancel) {
        return times.time(Phase.PROBE, () -> new Probed(source, PROBES_AHEAD.take(source, settings.limits(), cancel)
                .orElseGet(() -> Prober.scan(source, settings.limits(), cancel))));
    }

    /**
     * As {@link #split(Path, MediaInfo, Path, Progress, Cancellation)}, from a probe's index. With {@code checkStructure}, the
     * same read of the source also reads every packet and decodes every audio frame, and fails (as {@link BadInputException})
     * on truncation, an unreadable container or damaged audio once it was read to the end, with segments already written
     * to {@code outDir}. The picture is proved by {@link #transcode} with {@code strict}: one decode of the video instead
     * of two.
     */
    public List<Segment> split(Probed probed, boolean checkStructure, Path outDir, Progress progress, Cancellation cancel) {
        return split(probed, settings.segmentSeconds(), checkStructure, outDir, progress, cancel, segment -> { });
    }

    /**
     * As above, into segments of about {@code segmentSeconds} instead of the configured length, telling {@code written}
     * of each segment as soon as its file is complete (in order, on the calling thread; not of a segment widened at an
     * open-GOP cut, which is checked after the cut and only returned), so that its transcode can start while the cut goes
     * on. What {@code written} throws ends the cut and is thrown here.
     */
    public List<Segment> split(Probed probed, double segmentSeconds, boolean checkStructure, Path outDir, Progress progress,
            Cancellation cancel, java.util.function.Consumer<Segment> written) {
        return times.time(Phase.SPLIT, () -> Segmenter.split(probed.source, probed.info(), probed.scanned.index(), outDir,
                segmentSeconds, settings.decoderThreads(), settings.limits(), checkStructure, progress, cancel, written));
    }

    /** One rendition's encoded segment: where it is and how many frames it holds. */
    public record EncodedSegment(Rendition rendition, Path file, long frames) {
    }

    /**
     * Encodes a segment into every rendition, decoding it once.
     *
     * @param segmentFile the file {@link #split} wrote for {@code segment}
     * @param outputFor the file each rendition's encoded segment goes to
     * @param strict true to fail with {@link BadInputException} on any damage the decoder reports in the frames the
     *     segment owns (the integrity check of the picture); false to let the decoder conceal it
     */
    public List<EncodedSegment> transcode(Path segmentFile, Segment segment, MediaInfo info, List<Rendition> renditions,
            Function<Rendition, Path> outputFor, boolean strict, Progress progress, Cancellation cancel) {
        return transcode(segmentFile, segment, info, renditions, outputFor, strict, settings.decoderThreads(), settings.encoderThreads(),
                List.of(), progress, cancel);
    }

    /**
     * As above, with {@code decoderThreads} for the decoder and {@code encoderThreads} for each encoder (both at least 1),
     * also taking {@code shots} ({@link #stillShots}) from the renditions' pictures as they are encoded.
     */
    public List<EncodedSegment> transcode(Path segmentFile, Segment segment, MediaInfo info, List<Rendition> renditions,
            Function<Rendition, Path> outputFor, boolean strict, int decoderThreads, int encoderThreads, List<StillShot> shots,
            Progress progress, Cancellation cancel) {
        return times.time(Phase.TRANSCODE, () -> SegmentTranscoder.transcode(segmentFile, segment, info, renditions, outputFor,
                settings.gopSeconds(), decoderThreads, encoderThreads, strict, settings.limits(), shots, progress, cancel)).stream()
                .map(e -> new EncodedSegment(e.rendition(), e.file(), e.frames())).toList();
    }

    /**
     * The stills of the streaming package that {@code segment}'s transcode can take on its way (into {@code dir}): the
     * scrubbing thumbnails every {@code thumbnailSeconds} whose first frame it encodes, {@code tileWidth} wide, from the
     * smallest rendition (the last), and the poster, at most {@code posterMaxWidth} wide, from the largest (the first),
     * when it encodes that frame. {@link #assembleStills} makes the package's stills from them.
     */
    public List<StillShot> stillShots(Segment segment, MediaInfo info, List<Rendition> renditions, double thumbnailSeconds, int tileWidth,
            int posterMaxWidth, Path dir) {
        long[] first = new long[renditions.size()];
        long[] end = new long[renditions.size()];
        Rational start = info.video().start();
        for (int i = 0; i < renditions.size(); i++) {
            first[i] = SegmentTranscoder.firstSlot(segment.from().minus(start), renditions.get(i).frameRate());
            end[i] = SegmentTranscoder.firstSlot(segment.to().minus(start), renditions.get(i).frameRate());
        }
        return Stills.plan(renditions, info.video().duration(), first, end, thumbnailSeconds, tileWidth, posterMaxWidth, dir);
    }

    /**
     * The poster and sprite sheets of a package ({@link #writeStills}'s files) made from the stills its segments' transcodes
     * took ({@link #stillShots}) into {@code shotDirs}, one per segment; empty, with nothing written, when one of them is
     * missing: then {@link #writeStills} decodes them from the renditions.
     */
    public Optional<Thumbnails> assembleStills(List<Path> shotDirs, double durationSeconds, double thumbnailSeconds, Path dir,
            Cancellation cancel) {
        return times.time(Phase.STILLS, () -> Stills.assemble(shotDirs, durationSeconds, thumbnailSeconds, dir, cancel));
    }

    /**
     * Encodes the source's audio track ({@code info.audio()}, not null) to AAC at {@code kbps} into {@code target} ahead
     * of the export, which then copies it ({@link #usePreparedAudio}): the same packets it would encode itself.
     * Written atomically, into a folder that must exist.
     *
     * @throws BadInputException when the source's audio cannot be read
     */
    public void prepareAudio(Path source, MediaInfo info, int kbps, Path target, Cancellation cancel) {
        times.time(Phase.AUDIO_AHEAD, () -> PreparedAudio.write(source, info, kbps, target, cancel));
    }

    /**
     * Loads a track written by {@link #prepareAudio} into {@code audio}, so that the exports sharing it at {@code kbps}
     * copy it instead of encoding. False, with {@code audio} untouched, when there is no such file.
     *
     * @throws MediaException when the file cannot be read as a prepared track ({@code audio} is untouched)
     */
    public boolean usePreparedAudio(Path file, MediaInfo info, int kbps, SharedAudio audio) {
        return times.time(Phase.AUDIO, () -> PreparedAudio.load(file, kbps, RenditionExporter.trackSeconds(info), audio));
    }

    /**
     * Joins a rendition's encoded segments (in order) without re-encoding, adds the source's first audio track
     * encoded once to AAC, and writes a faststart MP4 to {@code output}.
     */
    public void export(List<Path> encodedSegments, Path source, MediaInfo info, Rendition rendition, Path output,
            Progress progress, Cancellation cancel) {
        export(encodedSegments, source, info, rendition, output, null, progress, cancel);
    }

    /**
     * As above; renditions exported with the same {@code audio} (one export task's, then closed) that share a bit rate
     * encode the audio once between them, also when they are exported at the same time on several threads (the others
     * copy the packets as the first encodes them). {@code audio} may be null.
     */
    public void export(List<Path> encodedSegments, Path source, MediaInfo info, Rendition rendition, Path output, SharedAudio audio,
            Progress progress, Cancellation cancel) {
        RenditionExporter.export(encodedSegments, source, info, rendition.spec().audioBitrate(), output, progress, cancel, times, audio);
    }

    /** A finished rendition's MP4 to take one track from, and the folder name that track gets in the package. */
    public record TrackSource(String id, Path file) {
    }

    /**
     * Cuts finished renditions into the CMAF tracks of a streaming package by packet copy (no re-encode): the video of
     * each of {@code videos} (largest first: the first sets the cut times) and the audio of each of {@code audios}, into
     * {@code dir/<id>/} as {@code init.mp4} and numbered media segments. Every segment starts with a keyframe, at the same
     * time in every video track; a segment ends at the first keyframe at least {@code segmentSeconds} after its start.
     *
     * @throws MediaException when a file cannot be read or the renditions' keyframes do not line up
     */
    public List<CmafTrack> writeCmafTracks(List<TrackSource> videos, List<TrackSource> audios, double segmentSeconds, Path dir,
            Cancellation cancel) {
        return times.time(Phase.PACKAGE, () -> CmafPackager.write(videos, audios, segmentSeconds, dir, cancel));
    }

    /**
     * Writes the stills of a streaming package into {@code dir} (created if needed): {@code poster.jpg}, the first keyframe
     * between 10 and 15 % of the duration from {@code posterSource} (the picture at 10 % where there is none), {@code posterMaxWidth} wide at most; and the scrubbing thumbnails,
     * one {@code tileWidth}-wide tile per {@code thumbnailSeconds} from {@code tileSource} (the first keyframe of its
     * stretch, one decode; the picture at the stretch's start where it holds no keyframe), packed row by row into sprite sheets {@code thumbnails-N.jpg} (N from 1) of at most 10 x 10 tiles.
     * Sizes keep the aspect ratio and are even. The sources are our own renditions (upright, square pixels, H.264): pass
     * the smallest as {@code tileSource}. A picture that is no keyframe is decoded from the keyframe before it only. Files are
     * written atomically; a failure or cancel deletes what this call wrote.
     *
     * @return where the poster is and where each tile lies in which sheet, for the WebVTT track
     * @throws IllegalArgumentException when a duration, interval or width is not positive
     * @throws BadInputException when a source is missing, not media or has no video
     * @throws MediaException when a picture cannot be decoded or a file cannot be written (the message names the file)
     */
    public Thumbnails writeStills(Path posterSource, Path tileSource, double durationSeconds, double thumbnailSeconds,
            int tileWidth, int posterMaxWidth, Path dir, Cancellation cancel) {
        return times.time(Phase.STILLS, () -> Stills.write(posterSource, tileSource, durationSeconds, thumbnailSeconds, tileWidth,
                posterMaxWidth, settings.decoderThreads(), dir, cancel));
    }
}
