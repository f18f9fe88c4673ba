package org.mpp.media;

import java.nio.file.Path;

/**
 * A picture that a segment's transcode keeps for the streaming package while it has the frame at hand: a scrubbing
 * thumbnail's tile or the poster, taken from one rendition's picture in output frame {@code slot} (counted from the
 * video's first frame), scaled to {@code width} x {@code height}. Planned by {@link MediaEngine#stillShots}; the export
 * assembles them ({@link MediaEngine#assembleStills}) instead of decoding the finished renditions again.
 *
 * @param rendition index of the rendition (in the transcode's list) whose picture is taken
 * @param file where it goes (a tile as raw full-range 4:2:0 planes, the poster as JPEG), written atomically
 */
public record StillShot(int rendition, long slot, int width, int height, Path file, boolean jpeg) {
}
