package org.mpp.media;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes a short synthetic clip (moving colour bars, a bouncing box, a tone with a beep every second) so that
 * MPP can be tried on a machine with no video at hand. H.264 + AAC in MP4, made in-process.
 */
public final class DemoClip {
    private DemoClip() {
    }

    /**
     * Writes the clip to {@code file} (atomically: a temporary name, then a rename).
     *
     * @throws MediaException when the file cannot be written
     */
    public static Path write(Path file, int width, int height, int fps, int seconds) {
        Ffmpeg.requireLibx264();
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        int sampleRate = 48000;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(temp.toFile(), width, height, 2)) {
                r.setFormat("mp4");
                r.setVideoCodecName("libx264");
                r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                r.setFrameRate(fps);
                r.setGopSize(fps);
                r.setVideoBitrate(0);
                r.setVideoOption("crf", "18");
                r.setVideoOption("preset", "veryfast");
                r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
                r.setSampleRate(sampleRate);
                r.setAudioBitrate(128_000);
                r.start();
                Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
                int samplesPerFrame = sampleRate / fps;
                short[] pcm = new short[samplesPerFrame * 2];
                for (int i = 0; i < fps * seconds; i++) {
                    paint((ByteBuffer) frame.image[0], frame.imageStride, width, height, i, fps);
                    r.record(frame);
                    for (int s = 0; s < samplesPerFrame; s++) {
                        long n = (long) i * samplesPerFrame + s;
                        double t = (double) n / sampleRate;
                        boolean beep = (n % sampleRate) < sampleRate / 20;
                        double v = 0.2 * Math.sin(2 * Math.PI * 220 * t) + (beep ? 0.4 * Math.sin(2 * Math.PI * 1000 * t) : 0);
                        pcm[2 * s] = pcm[2 * s + 1] = (short) (v * Short.MAX_VALUE);
                    }
                    r.recordSamples(sampleRate, 2, ShortBuffer.wrap(pcm));
                }
                r.stop();
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (java.io.IOException e) {
            throw new MediaException("Cannot write the demo clip " + file + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (java.io.IOException e) {
                // best effort
            }
        }
    }

    private static void paint(ByteBuffer bgr, int stride, int w, int h, int i, int fps) {
        int box = h / 4;
        int bx = (int) ((w - box) * (0.5 + 0.5 * Math.sin(i * 0.07)));
        int by = (int) ((h - box) * (0.5 + 0.5 * Math.cos(i * 0.11)));
        boolean flash = i % fps == 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int bar = ((x + i * 4) * 7 / w) % 7;
                int b = (bar & 1) != 0 ? 200 : 30;
                int g = (bar & 2) != 0 ? 200 : 30;
                int red = (bar & 4) != 0 ? 200 : 30;
                if (x >= bx && x < bx + box && y >= by && y < by + box) {
                    b = g = red = flash ? 255 : 240;
                } else if (y > h * 7 / 8) {
                    b = g = red = flash ? 255 : 16;
                }
                int o = y * stride + x * 3;
                bgr.put(o, (byte) b).put(o + 1, (byte) g).put(o + 2, (byte) red);
            }
        }
    }
}
