package org.mpp.media;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;

/**
 * Decodes every frame of the video and audio tracks to prove a source is whole (or, in the structural check, reads
 * every packet and decodes only the audio: the video is decoded strictly while it is transcoded), in a pass of its own
 * over the file; {@link StructureCheck} says how. An ingest makes the structural check while it cuts, in the
 * {@link Segmenter}'s pass.
 */
final class IntegrityChecker {
    private IntegrityChecker() {
    }

    /**
     * @param decodeVideo false to read the video's packets without decoding them (the structural check)
     * @throws BadInputException describing the first problem found and where it is
     */
    static void check(Path file, MediaInfo info, int threads, boolean decodeVideo, Progress progress, Cancellation cancel) {
        check(file, info, threads, decodeVideo, 0, progress, cancel);
    }

    /** As above, with video decoders that refuse pictures of more than {@code maxPixels} (0 = FFmpeg's default). */
    static void check(Path file, MediaInfo info, int threads, boolean decodeVideo, long maxPixels, Progress progress,
            Cancellation cancel) {
        AVPacket pkt = avcodec.av_packet_alloc();
        try (Demuxer in = Demuxer.open(file);
                StructureCheck check = new StructureCheck(in, file, info, threads, decodeVideo, maxPixels)) {
            long packets = 0;
            while (check.read(pkt)) {
                check.accept(pkt);
                if ((++packets & 63) == 0) {
                    cancel.check("Checking " + file);
                    progress.update(check.position());
                }
            }
            check.finish();
        } finally {
            avcodec.av_packet_free(pkt);
        }
        progress.update(1);
    }
}
