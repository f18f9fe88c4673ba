package org.mpp.fault.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mpp.testmedia.SyntheticMedia;

/**
 * A synthetic upload: H.264 (keyframe every second) + stereo AAC, {@code width} x {@code height} at {@code fps} for
 * {@code seconds}. Every frame carries its index as a {@link org.mpp.testmedia.FrameCode}, so an output can be
 * checked frame by frame.
 */
record Clip(String stem, int width, int height, int fps, double seconds) {

    /** A 16:9 clip of the given height. */
    static Clip of(String stem, int height, double seconds) {
        return new Clip(stem, height * 16 / 9, height, 30, seconds);
    }

    String fileName() {
        return stem + ".mp4";
    }

    SyntheticMedia.Builder builder() {
        return SyntheticMedia.builder().size(width, height).fps(fps).seconds(seconds);
    }

    SyntheticMedia.Plan plan() {
        return builder().plan();
    }

    /** Writes the clip into {@code folder} (created when missing) and returns the file. */
    Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        return builder().write(folder.resolve(fileName()));
    }
}
