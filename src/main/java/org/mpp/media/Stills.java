package org.mpp.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.Rational;
import org.mpp.ladder.Rendition;
import org.mpp.media.Thumbnails.Tile;

/**
 * Writes a streaming package's poster ({@value #POSTER}) and its scrubbing thumbnails as sprite sheets
 * ({@code thumbnails-N.jpg}, N from 1): assembled from the pictures the segments' transcodes kept ({@link #plan},
 * {@link #assemble}), or else from already-encoded renditions (upright, square pixels), decoding only the pictures it
 * needs. Stateless.
 */
final class Stills {
    static final String POSTER = "poster.jpg";
    /** Tiles per row and rows per sheet: players take any grid, and 10x10 keeps a sheet of 160-wide tiles near 1600 px. */
    static final int GRID = 10;
    /** Where the poster is taken, as a fraction of the duration: past opening black and titles, yet early. */
    private static final double POSTER_AT = 0.1;
    /** A keyframe before this fraction is "about 10 %" too, and costs one decode instead of up to a GOP's. */
    private static final double POSTER_UNTIL = 0.15;
    private static final Pattern TILE_FILE = Pattern.compile("tile-(\\d{5})-(\\d+)x(\\d+)\\.yuv");
    private static final Pattern POSTER_FILE = Pattern.compile("poster-(\\d+)x(\\d+)\\.jpg");

    private Stills() {
    }

    /**
     * Writes the poster and the sprite sheets into {@code dir} (created if needed); a failure or cancel deletes what
     * this call wrote.
     *
     * @param posterThreads decoder threads for the poster's source (0 = FFmpeg's choice); the tiles' small source
     *     decodes on one, since frame threads only add delay after each seek
     *
     * @throws IllegalArgumentException when a duration, interval or width is not positive
     * @throws BadInputException when a source is missing, not media or has no video
     * @throws MediaException when a picture cannot be decoded or a file cannot be written
     */
    static Thumbnails write(Path posterSource, Path tileSource, double durationSeconds, double thumbnailSeconds, int tileWidth,
            int posterMaxWidth, int posterThreads, Path dir, Cancellation cancel) {
        if (!(durationSeconds > 0) || !(thumbnailSeconds > 0) || tileWidth < 2 || posterMaxWidth < 2) {
            throw new IllegalArgumentException("duration " + durationSeconds + " s, thumbnails every " + thumbnailSeconds
                    + " s, tile width " + tileWidth + ", poster width " + posterMaxWidth + ": all must be positive (widths at least 2)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw DiskFullException.of("Creating " + dir, dir, e);
        }
        List<Path> written = new ArrayList<>();
        try {
            List<Tile> tiles = writeSheets(tileSource, durationSeconds, thumbnailSeconds, tileWidth, dir, written, cancel);
            Path poster = dir.resolve(POSTER);
            try (FrameSeeker seeker = FrameSeeker.open(posterSource, posterThreads)) {
                int[] size = scaled(seeker.parameters(), Math.min(posterMaxWidth, seeker.parameters().width()));
                try (VideoFilter scale = new VideoFilter(JpegWriter.scaleChain(size[0], size[1]), 1)) {
                    written.add(poster);
                    JpegWriter.write(scale.apply(seeker.keyframeWithin(POSTER_AT * durationSeconds, POSTER_UNTIL * durationSeconds, cancel)),
                            poster);
                }
                return new Thumbnails(poster, size[0], size[1], tiles);
            }
        } catch (RuntimeException e) {
            for (Path p : written) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort: the package folder is not published when its stills failed.
                }
            }
            throw e;
        }
    }

    private static List<Tile> writeSheets(Path source, double duration, double every, int tileWidth, Path dir, List<Path> written,
            Cancellation cancel) {
        try (FrameSeeker seeker = FrameSeeker.open(source, 1)) {
            int[] size = scaled(seeker.parameters(), tileWidth);
            List<Tile> tiles = layout(duration, every, size[0], size[1]);
            try (VideoFilter scale = new VideoFilter(JpegWriter.scaleChain(size[0], size[1]), 1)) {
                for (int first = 0; first < tiles.size(); first += GRID * GRID) {
                    List<Tile> onSheet = tiles.subList(first, Math.min(tiles.size(), first + GRID * GRID));
                    Path file = dir.resolve(onSheet.get(0).sheet());
                    int cols = Math.min(GRID, onSheet.size());
                    int rows = (onSheet.size() + GRID - 1) / GRID;
                    try (SpriteSheet sheet = new SpriteSheet(cols * size[0], rows * size[1])) {
                        for (Tile t : onSheet) {
                            // A keyframe inside the tile's stretch costs one decode; our renditions have one every GOP.
                            sheet.place(scale.apply(seeker.keyframeWithin(t.startSeconds(), t.endSeconds(), cancel)), t.x(), t.y());
                        }
                        written.add(file);
                        JpegWriter.write(sheet.picture(), file);
                    }
                }
            }
            return tiles;
        }
    }

    /**
     * One tile per {@code every} seconds of the video, the last ending at {@code duration} (one tile for a video shorter
     * than that), placed row by row in grids of {@value #GRID} x {@value #GRID} per sheet.
     */
    private static List<Tile> layout(double duration, double every, int width, int height) {
        // A duration a hair over a multiple of the interval (rounding) gets no sliver of a last tile.
        int count = Math.max(1, (int) Math.ceil(duration / every - 1e-6));
        List<Tile> tiles = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int onSheet = k % (GRID * GRID);
            String sheet = "thumbnails-" + (k / (GRID * GRID) + 1) + ".jpg";
            double end = k == count - 1 ? duration : (k + 1) * every;
            tiles.add(new Tile(sheet, onSheet % GRID * width, onSheet / GRID * height, width, height, k * every, end));
        }
        return tiles;
    }

    /** The size, aspect ratio kept and both even, of {@code par}'s picture scaled to {@code width} (made even). */
    private static int[] scaled(AVCodecParameters par, int width) {
        return scaled(par.width(), par.height(), width);
    }

    private static int[] scaled(int fromWidth, int fromHeight, int width) {
        int w = Math.max(2, width & ~1);
        return new int[] {w, even((double) w * fromHeight / fromWidth)};
    }

    /**
     * The pictures one segment's transcode keeps: each tile whose first frame of the smallest rendition (the last) lies in
     * the segment, and the poster (the frame at 10 % of the largest, the first) when it does. The video lasts as many
     * frames of each rendition as slots between its first frame and its end; the export's package measures the same
     * length, so the tiles it lays out are the ones planned here (when they are not, it decodes the renditions instead).
     *
     * @param firstSlots the segment's first output slot in each rendition, {@code endSlots} the slot after its last
     */
    static List<StillShot> plan(List<Rendition> renditions, Rational videoDuration, long[] firstSlots, long[] endSlots, double every,
            int tileWidth, int posterMaxWidth, Path dir) {
        List<StillShot> shots = new ArrayList<>();
        Rendition largest = renditions.get(0);
        long posterFrames = SegmentTranscoder.firstSlot(videoDuration, largest.frameRate());
        double duration = Rational.of(posterFrames).times(largest.frameRate().inverse()).toDouble();
        int last = renditions.size() - 1;
        Rendition smallest = renditions.get(last);
        long tileFrames = SegmentTranscoder.firstSlot(videoDuration, smallest.frameRate());
        int[] tile = scaled(smallest.width(), smallest.height(), tileWidth);
        if (duration <= 0 || tileFrames <= 0) {
            return shots;
        }
        List<Tile> tiles = layout(duration, every, tile[0], tile[1]);
        for (int k = 0; k < tiles.size(); k++) {
            long slot = Math.min(tileFrames - 1, (long) Math.ceil(tiles.get(k).startSeconds() * smallest.frameRate().toDouble() - 1e-9));
            if (slot >= firstSlots[last] && slot < endSlots[last]) {
                shots.add(new StillShot(last, slot, tile[0], tile[1], dir.resolve(String.format("tile-%05d-%dx%d.yuv", k, tile[0], tile[1])), false));
            }
        }
        long posterSlot = Math.min(posterFrames - 1, (long) Math.ceil(POSTER_AT * posterFrames - 1e-9));
        if (posterSlot >= firstSlots[0] && posterSlot < endSlots[0]) {
            int[] size = scaled(largest.width(), largest.height(), Math.min(posterMaxWidth, largest.width()));
            shots.add(new StillShot(0, posterSlot, size[0], size[1], dir.resolve(String.format("poster-%dx%d.jpg", size[0], size[1])), true));
        }
        return shots;
    }

    /**
     * Writes the poster and the sprite sheets into {@code dir} from the pictures the transcodes kept in {@code shotDirs}
     * ({@link #plan}; a folder that does not exist holds none); empty, with nothing written, when any picture of the
     * layout for {@code durationSeconds} is missing there (a segment encoded by an older node, or the length measured
     * otherwise).
     */
    static Optional<Thumbnails> assemble(List<Path> shotDirs, double durationSeconds, double thumbnailSeconds, Path dir, Cancellation cancel) {
        Map<Integer, Path> tileFiles = new HashMap<>();
        int[] tileSize = null;
        Path posterFile = null;
        int[] posterSize = null;
        for (Path d : shotDirs) {
            if (!Files.isDirectory(d)) {
                continue; // A segment no still fell in has no folder; one that is missing shows below as a missing tile.
            }
            try (Stream<Path> files = Files.list(d)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    Matcher t = TILE_FILE.matcher(name);
                    Matcher p = POSTER_FILE.matcher(name);
                    if (t.matches()) {
                        int[] size = {Integer.parseInt(t.group(2)), Integer.parseInt(t.group(3))};
                        if (tileSize != null && (tileSize[0] != size[0] || tileSize[1] != size[1])) {
                            return Optional.empty();
                        }
                        tileSize = size;
                        tileFiles.put(Integer.parseInt(t.group(1)), f);
                    } else if (p.matches()) {
                        posterFile = f;
                        posterSize = new int[] {Integer.parseInt(p.group(1)), Integer.parseInt(p.group(2))};
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        if (tileSize == null || posterFile == null) {
            return Optional.empty();
        }
        List<Tile> tiles = layout(durationSeconds, thumbnailSeconds, tileSize[0], tileSize[1]);
        if (tileFiles.size() != tiles.size()) {
            return Optional.empty();
        }
        for (int k = 0; k < tiles.size(); k++) {
            if (!tileFiles.containsKey(k)) {
                return Optional.empty();
            }
        }
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (int first = 0; first < tiles.size(); first += GRID * GRID) {
                cancel.check("Assembling the thumbnails in " + dir);
                List<Tile> onSheet = tiles.subList(first, Math.min(tiles.size(), first + GRID * GRID));
                Path file = dir.resolve(onSheet.get(0).sheet());
                int cols = Math.min(GRID, onSheet.size());
                int rows = (onSheet.size() + GRID - 1) / GRID;
                try (SpriteSheet sheet = new SpriteSheet(cols * tileSize[0], rows * tileSize[1])) {
                    for (int i = 0; i < onSheet.size(); i++) {
                        Tile t = onSheet.get(i);
                        AVFrame picture = RawPicture.read(tileFiles.get(first + i), tileSize[0], tileSize[1]);
                        try {
                            sheet.place(picture, t.x(), t.y());
                        } finally {
                            avutil.av_frame_free(picture);
                        }
                    }
                    written.add(file);
                    JpegWriter.write(sheet.picture(), file);
                }
            }
            Path poster = dir.resolve(POSTER);
            written.add(poster);
            Files.copy(posterFile, poster, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(new Thumbnails(poster, posterSize[0], posterSize[1], tiles));
        } catch (IOException e) {
            deleteAll(written);
            throw DiskFullException.of("Writing the thumbnails in " + dir, dir, e);
        } catch (RuntimeException e) {
            deleteAll(written);
            throw e;
        }
    }

    private static void deleteAll(List<Path> files) {
        for (Path p : files) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // Best effort: the package folder is not published when its stills failed.
            }
        }
    }

    private static int even(double v) {
        return (int) Math.max(2, 2 * Math.round(v / 2));
    }
}
