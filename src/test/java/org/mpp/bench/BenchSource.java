package org.mpp.bench;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * The benchmark's source clip: H.264 (x264 veryfast, CRF 18, 2 s GOP) + stereo AAC at 48 kHz in MP4, like a camera or
 * phone upload. The picture pans across a textured scene with film-grain noise that changes every frame, so the
 * encoders do real work (a flat test card encodes so fast that fixed costs would look larger than they are); the
 * sound is two drifting tones over quiet noise. Deterministic: the same parameters give the same file. Written once
 * into the cache folder and reused by later runs.
 */
final class BenchSource {
    private static final int TEXTURE_MARGIN = 512;
    private static final int NOISE_SIZE = 1 << 22;
    private static final int SAMPLE_RATE = 48_000;

    private BenchSource() {
    }

    /** The clip for these parameters, from the cache or written now. */
    static Path get(Path cache, int width, int height, int fps, double seconds) throws IOException {
        Path file = cache.resolve(String.format(Locale.ROOT, "source-%dx%d-%dfps-%.0fs.mp4", width, height, fps, seconds));
        if (Files.isRegularFile(file)) {
            return file;
        }
        Files.createDirectories(cache);
        Path tmp = cache.resolve(file.getFileName() + ".tmp.mp4");
        long t0 = System.nanoTime();
        write(tmp, width, height, fps, seconds);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf(Locale.ROOT, "[bench] wrote source %s in %.1f s%n", file.getFileName(), (System.nanoTime() - t0) / 1e9);
        return file;
    }

    private static void write(Path file, int width, int height, int fps, double seconds) throws IOException {
        int frames = (int) Math.round(seconds * fps);
        int tw = width + TEXTURE_MARGIN;
        int th = height + TEXTURE_MARGIN;
        byte[] lumaTexture = texture(tw, th, 1);
        // 8 more rows than the picture's travel: the V plane reads the texture 7 rows below the U plane.
        byte[] chromaTexture = texture(tw / 2, th / 2 + 8, 2);
        byte[] noise = new byte[NOISE_SIZE];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) (random.nextInt(13) - 6);
        }
        int cw = width / 2;
        int ch = height / 2;
        byte[] picture = new byte[width * height + 2 * cw * ch];
        ByteBuffer buffer = ByteBuffer.allocateDirect(picture.length);
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), width, height, 2)) {
            r.setFormat("mp4");
            r.setVideoCodec(AV_CODEC_ID_H264);
            r.setPixelFormat(AV_PIX_FMT_YUV420P);
            r.setFrameRate(fps);
            r.setGopSize(2 * fps);
            r.setVideoBitrate(0);
            r.setVideoOption("preset", "veryfast");
            r.setVideoOption("crf", "18");
            r.setVideoOption("profile", "high");
            r.setAudioCodec(AV_CODEC_ID_AAC);
            r.setSampleRate(SAMPLE_RATE);
            r.setAudioBitrate(160_000);
            r.start();
            int samplesPerFrame = SAMPLE_RATE / fps;
            FloatBuffer sound = FloatBuffer.allocate(2 * samplesPerFrame);
            for (int f = 0; f < frames; f++) {
                int dx = (int) ((f * 3L) % TEXTURE_MARGIN);
                int dy = (int) ((f * 2L) % TEXTURE_MARGIN);
                int n = Math.floorMod(f * 7919 * 31, NOISE_SIZE - width * height);
                for (int y = 0; y < height; y++) {
                    int src = (y + dy) * tw + dx;
                    int dst = y * width;
                    for (int x = 0; x < width; x++) {
                        int v = (lumaTexture[src + x] & 0xff) + noise[n + dst + x];
                        picture[dst + x] = (byte) (v < 16 ? 16 : v > 235 ? 235 : v);
                    }
                }
                int plane = width * height;
                for (int p = 0; p < 2; p++) {
                    for (int y = 0; y < ch; y++) {
                        System.arraycopy(chromaTexture, (y + dy / 2 + p * 7) * (tw / 2) + dx / 2, picture, plane + p * cw * ch + y * cw, cw);
                    }
                }
                buffer.clear();
                buffer.put(picture).flip();
                r.recordImage(width, height, Frame.DEPTH_UBYTE, 1, width, AV_PIX_FMT_YUV420P, buffer);
                sound.clear();
                for (int s = 0; s < samplesPerFrame; s++) {
                    double t = (double) (f * samplesPerFrame + s) / SAMPLE_RATE;
                    float grain = (float) (random.nextDouble() - 0.5) * 0.02f;
                    sound.put((float) (0.3 * Math.sin(2 * Math.PI * (440 + 20 * Math.sin(t)) * t)) + grain);
                    sound.put((float) (0.3 * Math.sin(2 * Math.PI * (660 + 30 * Math.cos(t / 3)) * t)) + grain);
                }
                sound.flip();
                r.recordSamples(SAMPLE_RATE, 2, sound);
            }
            r.stop();
        }
    }

    /** A scene of overlapping soft shapes and fine detail, {@code w} x {@code h}, values 16..235. */
    private static byte[] texture(int w, int h, int seed) {
        byte[] t = new byte[w * h];
        SplittableRandom random = new SplittableRandom(seed);
        double[][] waves = new double[6][];
        for (int i = 0; i < waves.length; i++) {
            waves[i] = new double[] {random.nextDouble(0.002, 0.05), random.nextDouble(0.002, 0.05), random.nextDouble(0, 6.28),
                random.nextDouble(8, 30)};
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 125;
                for (double[] wv : waves) {
                    v += wv[3] * Math.sin(x * wv[0] + y * wv[1] + wv[2]);
                }
                v += ((x / 24 + y / 24) % 2 == 0 ? 10 : -10) * ((x * 7 + y * 13) % 97 < 40 ? 1 : 0);
                t[y * w + x] = (byte) Math.max(16, Math.min(235, (int) v));
            }
        }
        return t;
    }
}
