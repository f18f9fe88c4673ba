package org.mpp.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.mpp.media.Thumbnails.Tile;

/**
 * Writes a streaming package's poster ({@value #POSTER}) and its scrubbing thumbnails as sprite sheets
 * ({@code thumbnails-N.jpg}, N from 1) from already-encoded renditions (upright, square pixels), decoding only the
 * pictures it needs. Stateless.
 */
final class Stills {
    static final String POSTER = "poster.jpg";
    /** Tiles per row and rows per sheet: players take any grid, and 10x10 keeps a sheet of 160-wide tiles near 1600 px. */
    static final int GRID = 10;
    /** Where the poster is taken, as a fraction of the duration: past opening black and titles, yet early. */
    private static final double POSTER_AT = 0.1;
    /** A keyframe before this fraction is "about 10 %" too, and costs one decode instead of up to a GOP's. */
    private static final double POSTER_UNTIL = 0.15;

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
        int w = Math.max(2, width & ~1);
        return new int[] {w, even((double) w * par.height() / par.width())};
    }

    private static int even(double v) {
        return (int) Math.max(2, 2 * Math.round(v / 2));
    }
}
