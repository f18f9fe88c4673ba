package org.mpp.bench;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.mpp.ladder.Rendition;

/**
 * Our floor: a bare JavaCV program that decodes the source once and feeds every rendition's recorder (scaling inside
 * the recorder, bicubic), with the same x264 settings and AAC audio; no segments, no database, no checks. The frame
 * path is the fast one of MEDIA-NOTES.md: decode in RAW mode, copy the planes once into a packed buffer, hand that
 * buffer to each recorder.
 */
final class SinglePass {
    private SinglePass() {
    }

    static EndToEndBench.Timing once(BenchEnv env, Path source, Ladder ladder) throws Exception {
        Path out = env.folder("floor");
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        encode(source, ladder, out);
        return new EndToEndBench.Timing((System.nanoTime() - t0) / 1e9, (cpuNanos() - cpu0) / 1e9);
    }

    static void encode(Path source, Ladder ladder, Path outDir) throws Exception {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(source.toFile())) {
            g.setImageMode(FrameGrabber.ImageMode.RAW);
            g.start();
            List<FFmpegFrameRecorder> recorders = new ArrayList<>();
            try {
                for (Rendition r : ladder.renditions()) {
                    FFmpegFrameRecorder rec = new FFmpegFrameRecorder(outDir.resolve(r.fileName()).toFile(), r.width(), r.height(),
                            g.getAudioChannels());
                    rec.setFormat("mp4");
                    rec.setVideoCodec(AV_CODEC_ID_H264);
                    rec.setPixelFormat(AV_PIX_FMT_YUV420P);
                    rec.setFrameRate(g.getFrameRate());
                    rec.setGopSize(ladder.gopFrames());
                    rec.setVideoBitrate(0);
                    rec.setImageScalingFlags(swscale.SWS_BICUBIC);
                    rec.setVideoOption("crf", Integer.toString(r.spec().crf()));
                    rec.setVideoOption("preset", r.spec().preset());
                    rec.setVideoOption("profile", r.spec().profile());
                    rec.setVideoOption("x264-params", ladder.x264Params());
                    rec.setOption("movflags", "+faststart");
                    if (g.getAudioChannels() > 0) {
                        rec.setAudioCodec(AV_CODEC_ID_AAC);
                        rec.setSampleRate(g.getSampleRate());
                        rec.setAudioBitrate(r.spec().audioBitrate() * 1000);
                    }
                    rec.start();
                    recorders.add(rec);
                }
                ByteBuffer packed = null;
                BytePointer packedPointer = null;
                Frame f;
                while ((f = g.grab()) != null) {
                    if (f.image != null) {
                        AVFrame av = (AVFrame) f.opaque;
                        int w = av.width();
                        int h = av.height();
                        int size = avutil.av_image_get_buffer_size(av.format(), w, h, 1);
                        if (packed == null || packed.capacity() < size) {
                            packedPointer = new BytePointer(size);
                            packed = packedPointer.asByteBuffer();
                        }
                        avutil.av_image_copy_to_buffer(packedPointer, size, av.data(), av.linesize(), av.format(), w, h, 1);
                        for (FFmpegFrameRecorder rec : recorders) {
                            rec.recordImage(w, h, Frame.DEPTH_UBYTE, 1, w, av.format(), packed);
                        }
                    }
                    if (f.samples != null) {
                        for (FFmpegFrameRecorder rec : recorders) {
                            rec.recordSamples(f.sampleRate, f.audioChannels, f.samples);
                        }
                    }
                }
                for (FFmpegFrameRecorder rec : recorders) {
                    rec.stop();
                }
            } finally {
                for (FFmpegFrameRecorder rec : recorders) {
                    rec.release();
                }
            }
        }
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
