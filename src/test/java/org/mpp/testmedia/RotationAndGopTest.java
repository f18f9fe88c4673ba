package org.mpp.testmedia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Display-matrix rotation and open/closed GOPs of the synthetic clips. */
class RotationAndGopTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @CsvSource({"90,90", "180,-180", "270,-90", "-90,-90"})
    void displayRotationReadsBackTheSameAngle(int written, double readBack) throws Exception {
        Path f = SyntheticMedia.builder().displayRotation(written).seconds(1)
                .write(dir.resolve("rot" + written + ".mp4"));
        MediaProbe.Stream v = MediaProbe.probe(f).video().orElseThrow();
        assertThat(v.displayRotation()).isEqualTo(readBack); // av_display_rotation_get on codecpar coded_side_data
        assertThat(new int[] {v.width(), v.height()}).containsExactly(320, 180); // pixels stay as stored
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(f.toFile())) {
            g.start();
            assertThat(g.getDisplayRotation()).isEqualTo(readBack);
            g.stop();
        }
        for (MediaDecoder.VideoFrame fr : MediaDecoder.decodeVideo(f)) {
            assertThat(fr.codeAnyOrientation()).isEqualTo(new FrameCode.Reading(fr.index(), 0));
        }
    }

    @Test
    void noMatrixWithoutRotation() throws IOException {
        Path f = SyntheticMedia.builder().seconds(0.5).write(dir.resolve("rot0.mp4"));
        assertThat(MediaProbe.probe(f).video().orElseThrow().displayRotation()).isNull();
    }

    /**
     * Rotating as ffmpeg's CLI autorotate does (theta = -av_display_rotation_get; 90 -> transpose=clock, 270 ->
     * transpose=cclock, 180 -> hflip,vflip) gives frames whose code reads at orientation floorMod(rotation, 360).
     */
    @ParameterizedTest
    @CsvSource({"90,transpose=cclock", "-90,transpose=clock", "180,'hflip,vflip'"})
    void uprightFramesReadAtTheDisplayRotation(int rotation, String cliFilter) throws Exception {
        Path f = SyntheticMedia.builder().displayRotation(rotation).seconds(1).noAudio()
                .write(dir.resolve("upright" + rotation + ".mp4"));
        List<FrameCode.Reading> readings = new ArrayList<>();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(f.toFile())) {
            g.setPixelFormat(AV_PIX_FMT_GRAY8);
            g.start();
            try (FFmpegFrameFilter filter = new FFmpegFrameFilter(cliFilter, g.getImageWidth(), g.getImageHeight())) {
                filter.setPixelFormat(AV_PIX_FMT_GRAY8);
                filter.start();
                Frame in;
                while ((in = g.grabImage()) != null) {
                    filter.push(in, AV_PIX_FMT_GRAY8);
                    Frame out;
                    while ((out = filter.pull()) != null) {
                        readings.add(FrameCode.readAnyOrientation((ByteBuffer) out.image[0], out.imageWidth,
                                out.imageHeight, out.imageStride));
                    }
                }
                filter.stop();
            }
            g.stop();
        }
        assertThat(readings).hasSize(30);
        for (int i = 0; i < readings.size(); i++) {
            assertThat(readings.get(i)).isEqualTo(new FrameCode.Reading(i, Math.floorMod(rotation, 360)));
        }
    }

    @Test
    void mpeg2IsOpenGopByDefaultAndACopiedCutLosesItsLeadingPictures() throws IOException {
        Path open = SyntheticMedia.builder().codec(VideoCodec.MPEG2).seconds(3).write(dir.resolve("open.ts"));
        // GOP headers: FFmpeg marks only the first GOP closed unless AV_CODEC_FLAG_CLOSED_GOP (cgop) is set
        assertThat(closedGopFlags(open)).containsExactly(true, false, false, false);
        MediaProbe.Stream v = MediaProbe.probe(open).video().orElseThrow();
        MediaProbe.Packet secondKey = v.packets().stream().filter(MediaProbe.Packet::key).skip(1).findFirst()
                .orElseThrow();
        int keyIndex = v.packets().indexOf(secondKey);
        // leading B-pictures: the packets after the I-picture are shown before it
        assertThat(v.packets().get(keyIndex + 1).pts()).isLessThan(secondKey.pts());

        Path cut = dir.resolve("open-cut.ts");
        int copied = PacketCopy.videoFromKeyframe(open, cut, 1);
        List<MediaDecoder.VideoFrame> frames;
        try (FfmpegLogCapture log = FfmpegLogCapture.start()) {
            frames = MediaDecoder.decodeVideo(cut);
            // observed with FFmpeg 8.1: the two leading B-pictures are dropped silently, nothing is logged
            assertThat(log.errors()).isEmpty();
        }
        assertThat(frames).hasSize(copied - 2);
        assertThat(frames.get(0).code()).isEqualTo(30); // the I-picture: frames 28 and 29 are gone
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).code()).isEqualTo(30 + i);
        }
    }

    @Test
    void closedGopMpeg2CutsCleanly() throws IOException {
        Path closed = SyntheticMedia.builder().codec(VideoCodec.MPEG2).openGop(false).seconds(3)
                .write(dir.resolve("closed.ts"));
        assertThat(closedGopFlags(closed)).isNotEmpty().containsOnly(true);
        Path cut = dir.resolve("closed-cut.ts");
        int copied = PacketCopy.videoFromKeyframe(closed, cut, 1);
        List<MediaDecoder.VideoFrame> frames = MediaDecoder.decodeVideo(cut);
        assertThat(frames).hasSize(copied);
        int first = frames.get(0).code();
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).code()).isEqualTo(first + i);
        }
    }

    @Test
    void h264CanBeAskedForOpenGops() throws IOException {
        Path f = SyntheticMedia.builder().openGop(true).seconds(3).noAudio().write(dir.resolve("open264.mp4"));
        Path cut = dir.resolve("open264-cut.mp4");
        int copied = PacketCopy.videoFromKeyframe(f, cut, 1);
        // x264 open-gop: keyframes are recovery-point I-frames followed by leading B-frames
        assertThat(MediaDecoder.decodeVideo(cut).size()).isLessThan(copied);
    }

    /**
     * Observed with FFmpeg 8.1: copying an open-GOP H.264 MP4 into MPEG-TS from a non-IDR keyframe gives a stream
     * without SPS/PPS (the auto-inserted h264_mp4toannexb adds them before IDR slices only), so nothing decodes.
     */
    @Test
    void openGopH264CopiedIntoTsFromARecoveryPointHasNoParameterSets() throws IOException {
        Path f = SyntheticMedia.builder().openGop(true).seconds(3).noAudio().write(dir.resolve("open264b.mp4"));
        Path cut = dir.resolve("open264-cut.ts");
        int copied = PacketCopy.videoFromKeyframe(f, cut, 1);
        try (FfmpegLogCapture log = FfmpegLogCapture.start()) {
            assertThat(MediaDecoder.decodeVideo(cut)).isEmpty();
            assertThat(copied).isEqualTo(62);
            assertThat(log.errors()).anySatisfy(m -> assertThat(m.text()).contains("non-existing PPS 0 referenced"));
        }
        // the same cut from the first (IDR) keyframe decodes completely
        Path whole = dir.resolve("open264-whole.ts");
        int all = PacketCopy.videoFromKeyframe(f, whole, 0);
        assertThat(MediaDecoder.decodeVideo(whole)).hasSize(all);
    }

    /** closed_gop bit of every MPEG-2 GOP header (00 00 01 B8) in the video packets, in file order. */
    static List<Boolean> closedGopFlags(Path ts) throws IOException {
        List<Boolean> flags = new ArrayList<>();
        AVFormatContext fc = new AVFormatContext(null);
        FfmpegUtil.check(avformat_open_input(fc, ts.toString(), null, null), "open");
        AVPacket pkt = av_packet_alloc();
        try {
            FfmpegUtil.check(avformat_find_stream_info(fc, (PointerPointer<?>) null), "info");
            while (av_read_frame(fc, pkt) >= 0) {
                if (fc.streams(pkt.stream_index()).codecpar().codec_id() == AV_CODEC_ID_MPEG2VIDEO) {
                    byte[] b = new byte[pkt.size()];
                    pkt.data().get(b);
                    for (int i = 0; i + 7 < b.length; i++) {
                        if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1 && (b[i + 3] & 0xFF) == 0xB8) {
                            // 25 bits time_code, then closed_gop, broken_link
                            flags.add((b[i + 7] & 0x40) != 0);
                        }
                    }
                }
                av_packet_unref(pkt);
            }
        } finally {
            av_packet_free(pkt);
            avformat_close_input(fc);
        }
        return flags;
    }
}
