package org.mpp.testmedia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The frame code and the sync marks through real encoders, scalers and decoders. */
class RoundTripTest {
    @TempDir
    static Path dir;

    /** Source -> FFmpegFrameGrabber (gray) -> FFmpegFrameRecorder (scales, libx264 CRF 28) -> decode -> read. */
    @ParameterizedTest
    @CsvSource({"320,180,80,46", "640,360,160,90", "180,320,46,80"})
    void frameCodeSurvivesQuarterScaleAndCrf28(int w, int h, int outW, int outH) throws Exception {
        Path src = SyntheticMedia.builder().size(w, h).seconds(3).noAudio().write(dir.resolve("src" + w + ".mp4"));
        Path out = dir.resolve("small" + w + ".mp4");
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(src.toFile())) {
            g.setPixelFormat(AV_PIX_FMT_GRAY8);
            g.start();
            try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), outW, outH, 0)) {
                r.setFormat("mp4");
                r.setVideoCodecName("libx264");
                r.setPixelFormat(AV_PIX_FMT_YUV420P);
                r.setFrameRate(30);
                r.setVideoBitrate(0);
                r.setVideoOption("crf", "28");
                r.setVideoOption("preset", "veryfast");
                r.setVideoOption("profile", "high");
                r.start();
                Frame f;
                while ((f = g.grabImage()) != null) {
                    r.record(f, AV_PIX_FMT_GRAY8);
                }
                r.stop();
            }
            g.stop();
        }
        List<MediaDecoder.VideoFrame> frames = MediaDecoder.decodeVideo(out);
        assertThat(frames).hasSize(90);
        assertThat(frames.get(0).width()).isEqualTo(outW);
        for (MediaDecoder.VideoFrame fr : frames) {
            assertThat(fr.code()).as("frame %d", fr.index()).isEqualTo(fr.index());
        }
    }

    /** Flash times from the decoded pictures and burst onsets from the decoded sound agree in every container. */
    @ParameterizedTest
    @CsvSource({"H264,mp4,30,1,false", "H264,mkv,30,1,false", "H264,mp4,30000,1001,false", "H264,mp4,30,1,true",
            "MPEG2,ts,25,1,false", "VP9,webm,30,1,false", "MJPEG,avi,30,1,false", "PRORES,mov,30,1,false"})
    void syncMarksLineUp(VideoCodec codec, String ext, int num, int den, boolean vfr) throws IOException {
        assumeTrue(codec.available());
        SyntheticMedia.Builder b = SyntheticMedia.builder().codec(codec).fps(num, den).variableFrameRate(vfr)
                .seconds(4);
        SyntheticMedia.Plan plan = b.plan();
        Path f = b.write(dir.resolve("sync-" + codec + num + vfr + "." + ext));
        List<SyncMarks.LumaSample> samples = new ArrayList<>();
        MediaDecoder.forEachVideoFrame(f, fr -> samples.add(new SyncMarks.LumaSample(fr.seconds(),
                SyncMarks.flashRegionMean(fr.luma(), fr.width(), fr.height(), fr.width(), 0))));
        MediaDecoder.Audio audio = MediaDecoder.decodeAudio(f);
        List<Double> flashes = SyncMarks.flashTimes(samples);
        List<Double> onsets = SyncMarks.burstOnsets(audio.mono(), audio.sampleRate(), audio.startSeconds());
        assertThat(flashes).hasSize(3);
        assertThat(onsets).hasSize(3);
        List<Double> offsets = SyncMarks.offsets(flashes, onsets, 0.25);
        System.out.printf("%s.%s %d/%d vfr=%s: flashes %s onsets %s%n", codec, ext, num, den, vfr, flashes, onsets);
        assertThat(offsets).hasSize(3);
        for (int k = 0; k < 3; k++) {
            int frame = plan.flashFrames().get(k);
            double expected = (k + 1) - plan.frameTime(frame); // the flash frame starts up to a frame before t
            assertThat(offsets.get(k)).as("offset at %d s", k + 1).isCloseTo(expected, within(0.003));
        }
    }
}
