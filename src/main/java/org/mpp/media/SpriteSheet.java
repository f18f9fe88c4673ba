package org.mpp.media;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A black yuvj420p picture that tiles of one even size are copied into at even positions. Not thread-safe; close it
 * to free the picture.
 */
final class SpriteSheet implements AutoCloseable {
    private final AVFrame picture = avutil.av_frame_alloc();

    SpriteSheet(int width, int height) {
        picture.width(width);
        picture.height(height);
        picture.format(avutil.AV_PIX_FMT_YUVJ420P);
        picture.color_range(avutil.AVCOL_RANGE_JPEG);
        Ffmpeg.check(avutil.av_frame_get_buffer(picture, 0), "Allocating a " + width + "x" + height + " sprite sheet");
        // Full-range black: luma 0, neutral chroma.
        Pointer.memset(picture.data(0), 0, (long) picture.linesize(0) * height);
        Pointer.memset(picture.data(1), 128, (long) picture.linesize(1) * height / 2);
        Pointer.memset(picture.data(2), 128, (long) picture.linesize(2) * height / 2);
    }

    /** Copies {@code tile} (yuvj420p, even size) with its top left corner at ({@code x}, {@code y}), both even. */
    void place(AVFrame tile, int x, int y) {
        for (int plane = 0; plane < 3; plane++) {
            int shift = plane == 0 ? 0 : 1;
            int stride = picture.linesize(plane);
            BytePointer dst = new BytePointer(picture.data(plane)).position((long) (y >> shift) * stride + (x >> shift));
            avutil.av_image_copy_plane(dst, stride, tile.data(plane), tile.linesize(plane), tile.width() >> shift,
                    tile.height() >> shift);
        }
    }

    AVFrame picture() {
        return picture;
    }

    @Override
    public void close() {
        avutil.av_frame_free(picture);
    }
}
