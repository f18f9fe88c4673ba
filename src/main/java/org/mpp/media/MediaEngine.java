package org.mpp.media;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
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
    private final Settings.Media settings;

    /** @throws MediaException when the FFmpeg natives lack libx264 (the LGPL build was packaged) */
    public MediaEngine(Settings.Media settings) {
        this.settings = settings;
        Ffmpeg.requireLibx264();
    }

    /** Reads streams, timing, rotation and keyframes without decoding. */
    public MediaInfo probe(Path source, Cancellation cancel) {
        return Prober.probe(source, cancel);
    }

    /** Decodes every video and audio frame; throws {@link BadInputException} on any damage or truncation. */
    public void verify(Path source, MediaInfo info, Progress progress, Cancellation cancel) {
        IntegrityChecker.check(source, info, settings.decoderThreads(), progress, cancel);
    }

    /** Cuts the video at keyframes into segments of about {@code mpp.media.segment-seconds}, in {@code outDir}. */
    public List<Segment> split(Path source, MediaInfo info, Path outDir, Progress progress, Cancellation cancel) {
        return Segmenter.split(source, info, outDir, settings.segmentSeconds(), settings.decoderThreads(), progress, cancel);
    }

    /** One rendition's encoded segment: where it is and how many frames it holds. */
    public record EncodedSegment(Rendition rendition, Path file, long frames) {
    }

    /**
     * Encodes a segment into every rendition, decoding it once.
     *
     * @param segmentFile the file {@link #split} wrote for {@code segment}
     * @param outputFor the file each rendition's encoded segment goes to
     */
    public List<EncodedSegment> transcode(Path segmentFile, Segment segment, MediaInfo info, List<Rendition> renditions,
            Function<Rendition, Path> outputFor, Progress progress, Cancellation cancel) {
        return SegmentTranscoder.transcode(segmentFile, segment, info, renditions, outputFor, settings.gopSeconds(),
                settings.decoderThreads(), settings.encoderThreads(), progress, cancel).stream()
                .map(e -> new EncodedSegment(e.rendition(), e.file(), e.frames())).toList();
    }

    /**
     * Joins a rendition's encoded segments (in order) without re-encoding, adds the source's first audio track
     * encoded once to AAC, and writes a faststart MP4 to {@code output}.
     */
    public void export(List<Path> encodedSegments, Path source, MediaInfo info, Rendition rendition, Path output,
            Progress progress, Cancellation cancel) {
        RenditionExporter.export(encodedSegments, source, info, rendition.spec().audioBitrate(), output, progress, cancel);
    }
}
