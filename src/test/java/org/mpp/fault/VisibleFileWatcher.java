package org.mpp.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;

/**
 * Plays the reader that DESIGN.md promises never sees half a file: while it runs it looks at the given folders every
 * few milliseconds, and decodes completely every media file that appears there under a final (not hidden) name. A
 * file that does not decode and is still there afterwards is a half-written file someone could have read; a file
 * that vanished meanwhile (purged by its job) is not held against anyone. A file in a hidden folder is not visible. A
 * streaming package's segments are not media files on their own (an init segment holds no frame): a visible package is
 * checked instead by its manifests, every file a visible playlist names must be there. Thread-safe; {@link #close()}
 * stops it.
 */
final class VisibleFileWatcher implements AutoCloseable {
    private final List<Path> roots;
    private final MediaEngine media;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fault-visible-file-watcher");
        t.setDaemon(true);
        return t;
    });
    private final Set<Path> checked = ConcurrentHashMap.newKeySet();
    private final Queue<String> broken = new ConcurrentLinkedQueue<>();
    private final Queue<String> lastFrameHidden = new ConcurrentLinkedQueue<>();

    private final Path encodedSegments;

    private VisibleFileWatcher(List<Path> roots, Path encodedSegments, MediaEngine media) {
        this.roots = roots;
        this.encodedSegments = encodedSegments;
        this.media = media;
    }

    /**
     * Starts watching {@code roots}; files under {@code encodedSegments} (one of them) may have their last frame hidden
     * by an edit list (see {@link #lastFrameHidden()}); everywhere else that counts as broken.
     */
    static VisibleFileWatcher watch(MediaEngine media, Path encodedSegments, Path... roots) {
        VisibleFileWatcher w = new VisibleFileWatcher(List.of(roots), encodedSegments, media);
        w.timer.scheduleWithFixedDelay(w::look, 0, 20, TimeUnit.MILLISECONDS);
        return w;
    }

    /** Files that were visible under a final name and did not decode completely, with the reason. */
    List<String> broken() {
        return List.copyOf(broken);
    }

    /**
     * Encoded segments whose packets are all there but whose edit list hides the last frame from a decoder (FFmpeg
     * outputs one frame fewer than there are packets): whole files, reported apart. MPP's first encoded segment of a
     * job is written that way; the export copies packets and keeps the frame.
     */
    List<String> lastFrameHidden() {
        return List.copyOf(lastFrameHidden);
    }

    /** How many distinct visible files were decoded. */
    int checkedCount() {
        return checked.size();
    }

    private void look() {
        for (Path root : roots) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(p -> visible(root, p)).filter(Files::isRegularFile).forEach(p -> {
                    if (p.getFileName().toString().endsWith(".m3u8")) {
                        checkPlaylist(p);
                    } else if (isMedia(p) && !inPackage(root, p) && checked.add(p)) {
                        check(p);
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                // A folder was purged while we walked it: look again next time.
            }
        }
    }

    /** Whether no name on the way from {@code root} to {@code p} is hidden. */
    private static boolean visible(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private static boolean inPackage(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().endsWith("-stream")) {
                return true;
            }
        }
        return false;
    }

    /** Every file a visible playlist names (segment lines and URI attributes) must be there when it is. */
    private void checkPlaylist(Path playlist) {
        List<String> lines;
        try {
            lines = Files.readAllLines(playlist);
        } catch (IOException e) {
            return; // Purged meanwhile.
        }
        java.util.regex.Matcher uri = java.util.regex.Pattern.compile("URI=\"([^\"]+)\"").matcher("");
        for (String line : lines) {
            List<String> named = new java.util.ArrayList<>();
            if (!line.isBlank() && !line.startsWith("#")) {
                named.add(line.strip());
            }
            uri.reset(line);
            while (uri.find()) {
                named.add(uri.group(1));
            }
            for (String name : named) {
                Path file = playlist.resolveSibling(name);
                if (!Files.exists(file) && Files.exists(playlist)) {
                    broken.add(playlist + " names " + name + ", which is not there");
                }
            }
        }
    }

    private static boolean isMedia(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".mp4") || n.endsWith(".mkv") || n.endsWith(".ts");
    }

    private void check(Path file) {
        switch (inspect(media, file, file.startsWith(encodedSegments))) {
            case WHOLE -> { }
            case LAST_FRAME_HIDDEN -> lastFrameHidden.add(file.toString());
            case GONE -> checked.remove(file);
            case BROKEN -> broken.add(file + ": " + problem());
        }
    }

    /** What {@link #inspect} found. */
    enum Verdict {
        WHOLE, LAST_FRAME_HIDDEN, GONE, BROKEN
    }

    private static final ThreadLocal<String> lastProblem = new ThreadLocal<>();

    /**
     * Decodes {@code file} completely. {@code encodedSegment}: the file is an encoded segment, whose last frame an edit
     * list may hide (see {@link #lastFrameHidden()}). After {@link Verdict#BROKEN}, {@link #problem()} says why.
     */
    static Verdict inspect(MediaEngine media, Path file, boolean encodedSegment) {
        MediaInfo info = null;
        try {
            info = media.probe(file, new Cancellation());
            media.verify(file, info, f -> { }, new Cancellation());
            return Verdict.WHOLE;
        } catch (RuntimeException e) {
            if (!Files.exists(file)) {
                return Verdict.GONE;
            }
            long frames = info == null ? -1 : info.video().frameCount();
            if (encodedSegment && info != null
                    && String.valueOf(e.getMessage()).endsWith(": " + (frames - 1) + " of " + frames + " video frames decoded, 0 damaged")) {
                // The probe read every packet the index lists: the file is whole; only the decoder's output is short.
                return Verdict.LAST_FRAME_HIDDEN;
            }
            lastProblem.set(e.getMessage());
            return Verdict.BROKEN;
        }
    }

    /** Why the last {@link #inspect} on this thread found a file broken. */
    static String problem() {
        return lastProblem.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
