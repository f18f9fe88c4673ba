package org.mpp.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.mpp.MppException;
import org.mpp.media.Thumbnails;

/**
 * The WebVTT track that points players (video.js, JW Player, Plyr, hls.js-based players) at the scrubbing thumbnails:
 * one cue per tile, its text the sprite sheet's name with a {@code #xywh=} media fragment. Stateless.
 */
public final class ThumbnailTrack {
    private ThumbnailTrack() {
    }

    /**
     * Writes the track of {@code thumbnails} to {@code vtt} (UTF-8, atomically: a temporary file beside it is renamed
     * onto it). Sheet names are written as they are, relative to the track's folder.
     *
     * @throws MppException when the file cannot be written (the message names it and the cause); no partial file remains
     */
    public static void writeVtt(Thumbnails thumbnails, Path vtt) {
        Path temp = vtt.resolveSibling("." + vtt.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            Files.writeString(temp, text(thumbnails), StandardCharsets.UTF_8);
            Files.move(temp, vtt, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // Best effort: a hidden .tmp file is harmless and goes with the package folder.
            }
            throw new MppException("Writing the thumbnail track " + vtt + " failed: " + e + "; check the folder is writable and has room", e);
        }
    }

    /** The track's text: the header, then a cue per tile, each followed by a blank line. */
    static String text(Thumbnails thumbnails) {
        StringBuilder sb = new StringBuilder("WEBVTT\n\n");
        for (Thumbnails.Tile t : thumbnails.tiles()) {
            sb.append(timestamp(t.startSeconds())).append(" --> ").append(timestamp(t.endSeconds())).append('\n')
                    .append(t.sheet()).append("#xywh=").append(t.x()).append(',').append(t.y()).append(',')
                    .append(t.width()).append(',').append(t.height()).append("\n\n");
        }
        return sb.toString();
    }

    /** HH:MM:SS.mmm, hours growing past 99 if they must (WebVTT allows two or more hour digits). */
    static String timestamp(double seconds) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }
}
