package org.mpp.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.mpp.FileIdentity;
import org.mpp.Names;
import org.mpp.Threads;
import org.mpp.config.Settings;
import org.mpp.ladder.OutputSpec;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.media.BadInputException;
import org.mpp.media.CancelledException;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaException;
import org.mpp.media.MediaInfo;
import org.mpp.media.Progress;
import org.mpp.media.Segment;
import org.mpp.media.SharedAudio;
import org.mpp.media.StillShot;
import org.mpp.packaging.StreamPackager;
import org.mpp.packaging.StreamPackager.StreamPackage;
import org.mpp.store.Claim;
import org.mpp.store.ControlStore;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.LostClaimException;
import org.mpp.store.Policies;
import org.mpp.store.Status;
import org.mpp.store.TaskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of the three stages (DESIGN.md, "The job pipeline"): each takes a claimed task, does its media work
 * through {@link MediaEngine} and its bookkeeping through the stores. Stateless apart from its collaborators;
 * thread-safe. Exceptions propagate to the worker, which decides between failing and releasing.
 */
final class Stages {
    private static final Logger log = LoggerFactory.getLogger(Stages.class);
    private final MediaEngine media;
    private final WorkFolders folders;
    private final JobStore jobs;
    private final TaskStore tasks;
    private final ControlStore control;
    private final AudioAhead audioAhead;
    private final TranscodeThreads transcodeThreads;
    private final NodeMeters meters;
    private final Settings.Packaging packaging;
    private final StreamPackager packager;
    private final Runnable segmentQueued;
    private final SegmentLength segmentLength;
    private final IntSupplier transcodeWorkers;

    /**
     * @param segmentQueued called when an ingest has queued a segment (to wake this node's idle transcode workers)
     * @param transcodeWorkers the cluster's transcode workers now, which an ingest shares the source's segments among
     */
    Stages(MediaEngine media, WorkFolders folders, JobStore jobs, TaskStore tasks, ControlStore control, AudioAhead audioAhead,
            TranscodeThreads transcodeThreads, Settings.Packaging packaging, NodeMeters meters, Runnable segmentQueued,
            SegmentLength segmentLength, IntSupplier transcodeWorkers) {
        this.media = media;
        this.segmentLength = segmentLength;
        this.transcodeWorkers = transcodeWorkers;
        this.segmentQueued = segmentQueued;
        this.meters = meters;
        this.folders = folders;
        this.jobs = jobs;
        this.tasks = tasks;
        this.control = control;
        this.audioAhead = audioAhead;
        this.transcodeThreads = transcodeThreads;
        this.packaging = packaging;
        this.packager = new StreamPackager(media, packaging);
    }

    /**
     * Probe, plan the renditions and check their names, optionally verify, cut into segments, queue one transcode task per
     * segment as each is cut.
     */
    void ingest(TaskContext ctx, Policies policies) throws IOException {
        Claim c = ctx.claim;
        JobView job = job(c);
        Path source = sourceOf(job);
        MediaEngine.Probed probed = media.probeToCut(source, ctx.cancel);
        MediaInfo info = probed.info();
        List<OutputSpec> ladder = control.activeOutputs();
        if (ladder.isEmpty()) {
            throw new MediaException("No active output in the output table: activate or add one (mpp outputs)");
        }
        List<Rendition> renditions = RenditionPlanner.plan(stem(source), info.video().displayWidth(),
                info.video().displayHeight(), info.video().nominalFrameRate(), ladder);
        // Before the costly work: a name the file system cannot hold would fail the job only at its export.
        OutputNames.check(job.sourceName(), renditions);
        // With verifyDuringIngest, ingest reads every packet and decodes the audio; the picture is proved while it is
        // decoded for transcoding (strict), so a source is decoded once, not twice. A damaged source still fails its
        // job as bad input before anything is delivered.
        // The structural check rides on the cut's read of the file (one read instead of two): a damaged source fails
        // its job once it was read to the end, and the segments cut by then go with the attempt's folder.
        boolean verify = policies.verifyDuringIngest();
        Path dir = folders.ingest(c.job(), c.attempt());
        WorkFolders.deleteTree(dir);
        // Each segment is queued as soon as the cut has written it: its transcode (on any node) starts while the cut goes
        // on, so what no other node can speed up before the first encode is the probe and one segment's cut.
        String mediaInfo = info.toJson();
        Function<Segment, String> row = s -> new SegmentTask(c.attempt(), s, renditions, verify).toJson();
        double seconds = segmentLength.seconds(info.video().duration().toDouble(), transcodeWorkers.getAsInt());
        List<Segment> segments = media.split(probed, seconds, verify, dir, ctx.progress(), ctx.cancel, s -> {
            TaskRunner.retrying("queue segment " + s.index() + " of job " + c.job(), () -> {
                tasks.queueSegment(c, mediaInfo, s.index(), row.apply(s));
                return null;
            }, TaskRunner.COMPLETION_ATTEMPTS);
            segmentQueued.run();
        });
        List<String> rows = segments.stream().map(row).toList();
        boolean exportQueued = TaskRunner.retrying("record the ingest of job " + c.job(), () -> tasks.completeIngest(c, mediaInfo, rows),
                TaskRunner.COMPLETION_ATTEMPTS);
        log.info("Ingested job {} ({}): {} segment(s), renditions {}{}", c.job(), job.sourceName(), segments.size(),
                renditions.stream().map(Rendition::fileName).toList(), exportQueued ? "; every segment was encoded meanwhile, export queued" : "");
        audioAhead.prepare(c.job(), source, info, audioBitrates(renditions), kbps -> folders.preparedAudio(c.job(), c.attempt(), kbps));
    }

    private static Set<Integer> audioBitrates(List<Rendition> renditions) {
        Set<Integer> kbps = new LinkedHashSet<>();
        renditions.forEach(r -> kbps.add(r.spec().audioBitrate()));
        return kbps;
    }

    /**
     * Encode one segment into every planned rendition, taking the streaming package's stills that fall in it on the way;
     * files carry the claim's attempt as fencing token.
     */
    void transcode(TaskContext ctx) throws IOException {
        Claim c = ctx.claim;
        JobView job = job(c);
        MediaInfo info = MediaInfo.fromJson(job.mediaInfo());
        SegmentTask task = SegmentTask.read(c.segmentInfo(), sourceStem(job), "transcodeJob " + c.taskId() + " (segment " + c.segmentPart() + ")");
        Path segmentFile = folders.ingest(c.job(), task.ingestAttempt()).resolve(task.segment().file());
        if (!Files.isRegularFile(segmentFile)) {
            throw new MediaException("Segment file " + segmentFile + " is missing from the shared work folder");
        }
        Path stills = folders.segmentStills(c.job(), c.segmentPart(), c.attempt());
        List<StillShot> shots = packager.stillShots(task.segment(), info, task.renditions(), stills);
        if (!shots.isEmpty()) {
            Files.createDirectories(stills);
        }
        // The job's last segment ends where the video does (Segmenter): nothing more of the job is to run beside it.
        boolean last = task.segment().to().compareTo(info.video().end()) >= 0;
        try (TranscodeThreads.Share share = transcodeThreads.start(last)) {
            long t0 = System.nanoTime();
            List<MediaEngine.EncodedSegment> encoded = media.transcode(segmentFile, task.segment(), info, task.renditions(),
                    r -> folders.encodedSegment(c.job(), r.label(), c.segmentPart(), c.attempt()), task.verify(), share.decoder(),
                    share.encoder(), shots, ctx.progress(), ctx.cancel);
            long nanos = System.nanoTime() - t0;
            long frames = encoded.stream().mapToLong(MediaEngine.EncodedSegment::frames).sum();
            meters.segmentEncoded(nanos, frames);
            log.debug("Job {}: segment {} encoded in {} ms ({} frames over every rendition)", c.job(), c.segmentPart(), nanos / 1_000_000,
                    frames);
        }
        if (TaskRunner.retrying("record segment " + c.segmentPart() + " of job " + c.job() + " as done", () -> tasks.completeTranscode(c),
                TaskRunner.COMPLETION_ATTEMPTS)) {
            log.info("Job {}: last segment done, export queued", c.job());
        }
    }

    /**
     * Check every segment of every rendition, join them with the audio, cut the streaming package from the joined files,
     * deliver, complete the job, then delete the source and the job's work folders. Missing segments go back to transcode
     * instead.
     */
    void export(TaskContext ctx) throws IOException {
        Claim c = ctx.claim;
        JobView job = job(c);
        MediaInfo info = MediaInfo.fromJson(job.mediaInfo());
        List<TaskStore.SegmentRow> rows = tasks.segments(c.job());
        if (rows.isEmpty()) {
            throw new MediaException("Job " + c.job() + " has no transcode task to export");
        }
        String stem = sourceStem(job);
        // Every row's names are checked, not just the first's: the renditions come from the first, but a row edited
        // anywhere means the job's bookkeeping cannot be trusted.
        SegmentTask first = null;
        for (TaskStore.SegmentRow row : rows) {
            SegmentTask t = SegmentTask.read(row.info(), stem, "the transcodeJob of segment " + row.part());
            first = first == null ? t : first;
        }
        List<Rendition> renditions = first.renditions();
        List<Integer> missing = new ArrayList<>();
        for (TaskStore.SegmentRow row : rows) {
            boolean ok = row.status() == Status.COMPLETED && renditions.stream().allMatch(r ->
                    Files.isRegularFile(folders.encodedSegment(c.job(), r.label(), row.part(), row.attempt())));
            if (!ok) {
                missing.add(row.part());
            }
        }
        if (!missing.isEmpty()) {
            log.warn("Job {}: encoded segment(s) {} missing from the work folder; sending them back to transcode", c.job(), missing);
            tasks.redoSegments(c, missing);
            return;
        }
        Path source = sourceOf(job);
        // The file deleted once the job is complete, if it is still that one then: the one under the source's name now, unless
        // it is not the size the ingest probed (another upload put there since, which stays).
        Optional<FileIdentity> read = FileIdentity.of(source).filter(now -> now.size() == info.sizeBytes());
        Path out = folders.export(c.job());
        long started = System.nanoTime();
        List<Path> exported = exportRenditions(ctx, rows, renditions, first.ingestAttempt(), source, info, out);
        List<StreamPackager.Rendered> rendered = new ArrayList<>();
        for (int i = 0; i < renditions.size(); i++) {
            rendered.add(new StreamPackager.Rendered(renditions.get(i), exported.get(i)));
        }
        List<Path> stills = rows.stream().map(row -> folders.segmentStills(c.job(), row.part(), row.attempt())).toList();
        long joined = System.nanoTime();
        Optional<StreamPackage> streaming = packager.write(stem, rendered, info.audio() != null, out, stills, ctx.cancel);
        long packaged = System.nanoTime();
        List<Path> delivered = new ArrayList<>();
        boolean mp4 = packaging.formats().contains(Settings.Format.MP4);
        if (mp4) {
            for (Path target : exported) {
                delivered.add(deliver(c, target));
            }
        }
        if (streaming.isPresent()) {
            delivered.addAll(deliver(c, streaming.get()));
        }
        if (!mp4) {
            // Made only to cut the package from. Deleted before the job is recorded complete: whoever sees it complete
            // (mpp run, the API, a test) finds only what was delivered.
            for (Path file : exported) {
                Files.deleteIfExists(file);
            }
        }
        if (!tasks.stillHeld(c)) {
            throw new LostClaimException(c);
        }
        long handedOver = System.nanoTime();
        String deliveredFiles = String.join("\n", delivered.stream().map(Path::toString).toList());
        TaskRunner.retrying("record the export of job " + c.job(), () -> {
            tasks.completeExport(c, deliveredFiles);
            return null;
        }, TaskRunner.COMPLETION_ATTEMPTS);
        long recorded = System.nanoTime();
        if ((read.isEmpty() || !SourceFiles.deleteIfUnchanged(source, read.get())) && Files.exists(source)) {
            log.info("Job {}: a new file took its source's name {} since the job read it; it stays", c.job(), source);
        }
        folders.purge(c.job());
        deleteStaleTemporaries(out);
        if (folders.deliveryDir().isPresent()) {
            Delivery.deleteLeftovers(folders.deliveryDir().get(), c.job());
        }
        long done = System.nanoTime();
        log.debug("Job {}: exported in {} ms (renditions joined {}, package {}, delivery {}, record {}, clean-up {})", c.job(),
                millis(started, done), millis(started, joined), millis(joined, packaged), millis(packaged, handedOver),
                millis(handedOver, recorded), millis(recorded, done));
        log.info("Job {} ({}) complete: {}", c.job(), job.sourceName(), delivered);
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    /**
     * Writes every rendition at the same time, one thread each: a rendition's export is mostly one thread's work
     * (reading segments, muxing, the faststart rewrite) and the AAC encode, which renditions at one bit rate share, is
     * the longest part, so the others copy its packets as they come instead of waiting for it. Returns the files in
     * ladder order. When exports fail, the first failure that is not another's consequence (a reader of the shared
     * audio fails with its recorder's failure as cause) is thrown.
     */
    private List<Path> exportRenditions(TaskContext ctx, List<TaskStore.SegmentRow> rows, List<Rendition> renditions, int ingestAttempt,
            Path source, MediaInfo info, Path out) {
        List<Progress> parts = Progress.parallel(ctx.progress(), renditions.size());
        List<Path> targets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Throwable[] failures = new Throwable[renditions.size()];
        Map<Integer, SharedAudio> tracks = new HashMap<>();
        try {
            for (int kbps : audioBitrates(renditions)) {
                SharedAudio track = new SharedAudio();
                tracks.put(kbps, track);
                if (info.audio() != null) {
                    usePreparedAudio(ctx.claim.job(), folders.preparedAudio(ctx.claim.job(), ingestAttempt, kbps), info, kbps, track);
                }
            }
            for (int i = 0; i < renditions.size(); i++) {
                Rendition r = renditions.get(i);
                SharedAudio audio = tracks.get(r.spec().audioBitrate());
                List<Path> files = new ArrayList<>();
                for (TaskStore.SegmentRow row : rows) {
                    files.add(folders.encodedSegment(ctx.claim.job(), r.label(), row.part(), row.attempt()));
                }
                Path target = out.resolve(r.fileName());
                targets.add(target);
                int index = i;
                Runnable work = () -> {
                    try {
                        media.export(files, source, info, r, target, audio, parts.get(index), ctx.cancel);
                    } catch (Throwable e) {
                        failures[index] = e;
                        ctx.cancel.cancel(); // The task fails anyway: the other renditions need not go on.
                    }
                };
                Thread t = new Thread(work, Thread.currentThread().getName() + "-" + r.label());
                threads.add(t);
                t.start();
            }
            // The threads hold the shared audio: they must end before it is freed.
            Threads.joinAll(threads);
        } finally {
            tracks.values().forEach(SharedAudio::close);
        }
        Throwable first = firstCause(failures);
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new MediaException("Exporting job " + ctx.claim.job() + " failed: " + first, first);
        }
        return targets;
    }

    /** Lets the exports at {@code kbps} copy the track encoded ahead, where there is one that reads well. */
    private void usePreparedAudio(UUID job, Path file, MediaInfo info, int kbps, SharedAudio track) {
        try {
            if (media.usePreparedAudio(file, info, kbps, track)) {
                log.debug("Job {}: the audio at {} kb/s was encoded ahead; the export copies it", job, kbps);
            }
        } catch (MediaException e) {
            log.warn("Job {}: the audio encoded ahead at {} kb/s cannot be used ({}); the export encodes it", job, kbps, e.getMessage());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // The job's folder is purged with the export anyway.
            }
        }
    }

    /**
     * The first failure (in ladder order) that is not the cause-wrapping consequence of another, a cancellation only when
     * nothing else failed; null when none failed. Some failure always qualifies: chains of causes end.
     */
    private static Throwable firstCause(Throwable[] failures) {
        Set<Throwable> all = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable f : failures) {
            if (f != null) {
                all.add(f);
            }
        }
        Throwable fallback = null;
        for (Throwable f : failures) {
            if (f == null || all.contains(f.getCause())) {
                continue;
            }
            if (!(f instanceof CancelledException)) {
                return f;
            }
            fallback = fallback == null ? f : fallback;
        }
        return fallback;
    }

    /**
     * Removes what a task's attempt wrote before it stopped short (its disk was full), so that the room goes back to
     * the work: only files that carry this attempt's token, which no other node writes. An ingest's segments
     * ({@code ingest/<uuid>/a<attempt>/}), a transcode's encoded segments of this attempt. An export's unfinished
     * rendition was a temporary file its muxer removed already; the renditions it finished carry no attempt and may be
     * another node's by now, so they stay, and the next export replaces them.
     */
    void discardAttempt(Claim c) throws IOException {
        switch (c.stage()) {
            case INGEST -> WorkFolders.deleteTree(folders.ingest(c.job(), c.attempt()));
            case TRANSCODE -> {
                for (Rendition r : SegmentTask.fromJson(c.segmentInfo()).renditions()) {
                    if (!Names.isPlainFileName(r.label())) {
                        continue; // An edited row: its own transcode fails it as bad input; nothing to delete by that name.
                    }
                    Files.deleteIfExists(folders.encodedSegment(c.job(), r.label(), c.segmentPart(), c.attempt()));
                }
                WorkFolders.deleteTree(folders.segmentStills(c.job(), c.segmentPart(), c.attempt()));
            }
            case EXPORT -> { }
        }
    }

    /**
     * Deletes hidden temporary files (and package folders) left beside the renditions by an earlier export attempt that was
     * killed mid-write (the export folder is never purged, so nothing else would). Any writer still busy there has lost its
     * claim.
     */
    private static void deleteStaleTemporaries(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(".") && f.getFileName().toString().endsWith(".tmp")).toList()) {
                WorkFolders.deleteTree(p);
            }
        }
    }

    /**
     * Copies a finished rendition to the delivery folder when one is configured (never replacing a file: {@link Delivery}),
     * only while the export's claim is still held, checked before the copy and again before its name is taken: a node
     * that lost the claim (declared dead, then woke up) must not take a name the export's new holder would deliver under.
     */
    private Path deliver(Claim c, Path rendition) throws IOException {
        Runnable stillHeld = stillHeld(c);
        stillHeld.run();
        if (folders.deliveryDir().isEmpty()) {
            return rendition;
        }
        return Delivery.deliver(rendition, folders.deliveryDir().get(), c.job(), c.attempt(), stillHeld);
    }

    /**
     * Copies the streaming package to the delivery folder like a rendition ({@link Delivery#deliverFolder}) when one is
     * configured; returns its manifests where they were delivered.
     */
    private List<Path> deliver(Claim c, StreamPackage streaming) throws IOException {
        Runnable stillHeld = stillHeld(c);
        stillHeld.run();
        if (folders.deliveryDir().isEmpty()) {
            return streaming.manifests();
        }
        Path folder = Delivery.deliverFolder(streaming.dir(), folders.deliveryDir().get(), c.job(), c.attempt(), stillHeld);
        return streaming.manifests().stream().map(m -> folder.resolve(streaming.dir().relativize(m))).toList();
    }

    /** Throws {@link LostClaimException} when run while the export's claim is no longer this node's. */
    private Runnable stillHeld(Claim c) {
        return () -> {
            if (!tasks.stillHeld(c)) {
                throw new LostClaimException(c);
            }
        };
    }

    private JobView job(Claim c) {
        return jobs.job(c.job()).orElseThrow(() -> new LostClaimException(c));
    }

    /**
     * The job's source file; a name escaping the source folder, directly or through a linked folder, or naming a
     * symbolic link, fails the job for good. Links are refused rather than followed: a link's target lies wherever its
     * maker chose, and reading it would deliver (and the export's clean-up or a quarantine would touch) a file outside
     * the source folder. A failed job's quarantine moves the link itself; its target is never touched.
     */
    Path sourceOf(JobView job) {
        Path source = sourcePath(job);
        if (Files.isSymbolicLink(source)) {
            throw new BadInputException("Source '" + Names.printable(job.sourceName()) + "' is refused: it is a symbolic link, and MPP"
                    + " reads only files that are in the source folder; put the file itself there");
        }
        return source;
    }

    /** The stem the ingest planned the job's renditions from: its source name's, read as a name, not from the file. */
    private String sourceStem(JobView job) {
        return stem(sourcePath(job));
    }

    /** Where the job's source name points inside the source folder; a name escaping it fails the job for good. */
    private Path sourcePath(JobView job) {
        return folders.source(job.sourceName()).orElseThrow(() -> new BadInputException("Source name '"
                + Names.printable(job.sourceName()) + "' is refused: it must be a relative path inside the source folder "
                + folders.sourceDir() + ", not through a symbolic link"));
    }

    static String stem(Path source) {
        String name = source.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
