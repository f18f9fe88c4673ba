package org.mpp.media;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/** Decodes a freshly cut segment and checks it yields the frames it owns. */
final class SegmentCheck {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SegmentCheck.class);

    private SegmentCheck() {
    }

    /**
     * Decodes the whole file and counts the frames the segment owns.
     *
     * @throws BadInputException when frames are missing
     */
    static void verify(Path file, Segment segment, int threads, long maxPixels) {
        long expected = segment.frames();
        long decoded = 0;
        long damaged = 0;
        AVPacket pkt = avcodec.av_packet_alloc();
        AVFrame frame = avutil.av_frame_alloc();
        try (Demuxer in = Demuxer.openOwn(file);
                Decoder dec = Decoder.open(in.stream(0), threads, false, file.toString(), maxPixels)) {
            SegmentClock clock = null;
            boolean more = true;
            while (more) {
                more = in.read(pkt);
                if (more && clock == null) {
                    clock = new SegmentClock(segment, in.timeBase(0), pkt.pts());
                }
                dec.send(more ? pkt : null);
                while (dec.receive(frame)) {
                    if (clock.owns(Decoder.timestamp(frame))) {
                        decoded++;
                        damaged += Decoder.isDamaged(frame) ? 1 : 0;
                    }
                    avutil.av_frame_unref(frame);
                }
            }
        } finally {
            avcodec.av_packet_free(pkt);
            avutil.av_frame_free(frame);
        }
        if (decoded != expected) {
            throw new BadInputException("Segment " + segment.index() + " (" + segment.from().toDouble() + " s to "
                    + segment.to().toDouble() + " s) does not decode after cutting: " + decoded + " of " + expected
                    + " frames. The source's GOP structure cannot be cut by copy.");
        }
        if (damaged > 0) {
            // Damage in the source itself (cutting loses frames, it does not damage them): the integrity check's
            // business, which the operator may have turned off. The decoder conceals it.
            log.warn("Segment {} of {} has {} damaged frame(s) in the source", segment.index(), file, damaged);
        }
    }
}
