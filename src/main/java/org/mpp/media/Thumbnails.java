package org.mpp.media;

import java.nio.file.Path;
import java.util.List;

/**
 * The stills of a streaming package, as {@link MediaEngine#writeStills} wrote them: a poster, and scrubbing
 * thumbnails packed as tiles into JPEG sprite sheets beside it. The packaging layer writes the WebVTT track that
 * players read the tiles from. Immutable.
 *
 * @param poster the poster file
 * @param posterWidth its width in pixels
 * @param posterHeight its height in pixels
 * @param tiles one per stretch of the video, in time order, contiguous from 0 to the video's duration
 */
public record Thumbnails(Path poster, int posterWidth, int posterHeight, List<Tile> tiles) {
    public Thumbnails {
        tiles = List.copyOf(tiles);
    }

    /**
     * One thumbnail: the rectangle of a sprite sheet that shows the video from {@code startSeconds} to
     * {@code endSeconds}.
     *
     * @param sheet the sprite sheet's file name, in the poster's folder ("thumbnails-1.jpg")
     * @param x left edge in the sheet, in pixels
     * @param y top edge in the sheet, in pixels
     */
    public record Tile(String sheet, int x, int y, int width, int height, double startSeconds, double endSeconds) {
    }
}
