package org.mpp.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

/**
 * A small yuvj420p picture stored as its three planes one after another, rows packed (a thumbnail's tile between the
 * transcode that takes it and the export that places it on a sprite sheet: no encode or decode in between). Stateless.
 */
final class RawPicture {
    private RawPicture() {
    }

    /** Writes {@code picture} (yuvj420p, even size) to {@code target}, atomically. */
    static void write(AVFrame picture, Path target) {
        int w = picture.width();
        int h = picture.height();
        byte[] bytes = new byte[w * h * 3 / 2];
        int at = 0;
        for (int plane = 0; plane < 3; plane++) {
            int pw = plane == 0 ? w : w / 2;
            int ph = plane == 0 ? h : h / 2;
            BytePointer data = picture.data(plane);
            int stride = picture.linesize(plane);
            for (int y = 0; y < ph; y++) {
                data.position((long) y * stride).get(bytes, at, pw);
                at += pw;
            }
            data.position(0);
        }
        JpegWriter.writeAtomically(bytes, target);
    }

    /**
     * Reads a picture {@link #write} wrote at {@code width} x {@code height}; the caller frees it
     * ({@code av_frame_free}).
     *
     * @throws MediaException when the file cannot be read or has another size
     */
    static AVFrame read(Path file, int width, int height) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new MediaException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length != width * height * 3 / 2) {
            throw new MediaException(file + " holds " + bytes.length + " bytes, not a " + width + "x" + height + " picture");
        }
        AVFrame frame = avutil.av_frame_alloc();
        frame.width(width);
        frame.height(height);
        frame.format(avutil.AV_PIX_FMT_YUVJ420P);
        Ffmpeg.check(avutil.av_frame_get_buffer(frame, 0), "Allocating a " + width + "x" + height + " picture");
        int at = 0;
        for (int plane = 0; plane < 3; plane++) {
            int pw = plane == 0 ? width : width / 2;
            int ph = plane == 0 ? height : height / 2;
            BytePointer data = frame.data(plane);
            int stride = frame.linesize(plane);
            for (int y = 0; y < ph; y++) {
                data.position((long) y * stride).put(bytes, at, pw);
                at += pw;
            }
            data.position(0);
        }
        return frame;
    }
}
