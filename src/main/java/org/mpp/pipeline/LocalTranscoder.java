package org.mpp.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.mpp.config.Settings;
import org.mpp.ladder.OutputSpec;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;
import org.mpp.media.Progress;
import org.mpp.media.Segment;
import org.mpp.packaging.StreamPackager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline for one file on this machine, with no database: probe, integrity check, segment,
 * transcode every segment into the ladder, export each rendition, cut the streaming package from them. Uses the
 * work-folder layout of a node ({@code ingest/<id>/}, {@code transcode/<id>/}) and removes its folders when done,
 * whatever happens.
 * Thread-safe: files may be transcoded concurrently.
 */
public final class LocalTranscoder {
    private static final Logger log = LoggerFactory.getLogger(LocalTranscoder.class);
    private final MediaEngine media;
    private final List<OutputSpec> ladder;
    private final Path workDir;
    private final boolean verify;
    private final Settings.Packaging packaging;
    private final StreamPackager packager;

    /** Pipeline steps, in order, with the share of the total time each usually takes. */
    public enum Step {
        PROBE(0.01), VERIFY(0.09), SEGMENT(0.05), TRANSCODE(0.74), EXPORT(0.10), PACKAGE(0.01);

        final double weight;

        Step(double weight) {
            this.weight = weight;
        }
    }

    /** Hears about progress: the current step and the fraction of the whole file done. */
    @FunctionalInterface
    public interface Listener {
        void progress(Step step, double fraction);
    }

    /**
     * A finished file: what it was, the renditions written (largest first; none when the formats leave out mp4) and the
     * streaming package's manifests (its HLS master playlist and/or DASH manifest; none when it leaves out both).
     */
    public record Result(Path source, MediaInfo info, List<Path> outputs, List<Path> manifests) {
    }

    /**
     * A transcoder that writes the MP4 files only, no streaming package.
     *
     * @param verify decode the whole source before cutting it (catches damage the demuxer cannot see)
     */
    public LocalTranscoder(MediaEngine media, List<OutputSpec> ladder, Path workDir, boolean verify) {
        this(media, ladder, workDir, verify, new Settings.Packaging(java.util.Set.of(Settings.Format.MP4), 4, 5));
    }

    /** A transcoder that writes what {@code packaging} asks for: MP4 files and/or {@code <stem>-stream/} beside them. */
    public LocalTranscoder(MediaEngine media, List<OutputSpec> ladder, Path workDir, boolean verify, Settings.Packaging packaging) {
        this.media = media;
        this.ladder = List.copyOf(ladder);
        this.workDir = workDir;
        this.verify = verify;
        this.packaging = packaging;
        this.packager = new StreamPackager(media, packaging);
    }

    /**
     * Transcodes {@code source} into {@code outDir}.
     *
     * @throws org.mpp.media.BadInputException when the source is unusable
     * @throws org.mpp.media.MediaException when the work fails for another reason
     */
    public Result transcode(Path source, Path outDir, Listener listener, Cancellation cancel) {
        // Not a bare UUID: a node sharing this work folder removes ingest/<uuid> and transcode/<uuid> folders whose job row
        // is gone, and this run has no job row.
        String id = "local-" + UUID.randomUUID().toString().replace("-", "");
        Path ingest = workDir.resolve("ingest").resolve(id);
        Path transcode = workDir.resolve("transcode").resolve(id);
        try {
            MediaInfo info = media.probe(source, cancel);
            listener.progress(Step.PROBE, done(Step.PROBE));
            if (verify) {
                media.verify(source, info, progressOf(listener, Step.VERIFY), cancel);
            }
            List<Segment> segments = media.split(source, info, ingest, progressOf(listener, Step.SEGMENT), cancel);
            String stem = stem(source);
            List<Rendition> renditions = RenditionPlanner.plan(stem, info.video().displayWidth(),
                    info.video().displayHeight(), info.video().nominalFrameRate(), ladder);
            Map<Rendition, List<Path>> encoded = new LinkedHashMap<>();
            renditions.forEach(r -> encoded.put(r, new ArrayList<>()));
            Progress transcoding = progressOf(listener, Step.TRANSCODE);
            for (int i = 0; i < segments.size(); i++) {
                Segment s = segments.get(i);
                String name = s.file().replaceFirst("\\.[^.]+$", ".mp4");
                media.transcode(ingest.resolve(s.file()), s, info, renditions,
                        r -> transcode.resolve(r.label()).resolve(name), false,
                        transcoding.slice((double) i / segments.size(), (i + 1.0) / segments.size()), cancel)
                        .forEach(e -> encoded.get(e.rendition()).add(e.file()));
            }
            Progress exporting = progressOf(listener, Step.EXPORT);
            List<Path> outputs = new ArrayList<>();
            List<StreamPackager.Rendered> rendered = new ArrayList<>();
            int n = 0;
            for (Rendition r : renditions) {
                Path out = outDir.resolve(r.fileName());
                media.export(encoded.get(r), source, info, r, out,
                        exporting.slice((double) n / renditions.size(), (n + 1.0) / renditions.size()), cancel);
                outputs.add(out);
                rendered.add(new StreamPackager.Rendered(r, out));
                n++;
            }
            List<Path> manifests = packager.write(stem, rendered, info.audio() != null, outDir, cancel)
                    .map(StreamPackager.StreamPackage::manifests).orElse(List.of());
            listener.progress(Step.PACKAGE, done(Step.PACKAGE));
            if (!packaging.formats().contains(Settings.Format.MP4)) {
                for (Path mp4 : outputs) {
                    Files.deleteIfExists(mp4); // Made only to cut the package from.
                }
                outputs.clear();
            }
            return new Result(source, info, List.copyOf(outputs), manifests);
        } catch (IOException e) {
            throw new org.mpp.media.MediaException("Cannot remove the MP4 files the package was cut from: " + e.getMessage(), e);
        } finally {
            deleteTree(ingest);
            deleteTree(transcode);
        }
    }

    static String stem(Path source) {
        String name = source.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static double done(Step step) {
        double sum = 0;
        for (Step s : Step.values()) {
            sum += s.weight;
            if (s == step) {
                return sum;
            }
        }
        return 1;
    }

    private static Progress progressOf(Listener listener, Step step) {
        double end = done(step);
        double start = end - step.weight;
        return f -> listener.progress(step, start + (end - start) * f);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // Never hide the job's own outcome behind a clean-up failure; leftovers are harmless temp files.
            log.warn("Cannot remove work folder {}: {}", dir, e.toString());
        }
    }
}
