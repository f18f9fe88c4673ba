package org.mpp.media;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.Rational;

/**
 * Decodes every frame of the video and audio tracks to prove a source is whole (or, in the structural check, reads
 * every packet and decodes only the audio: the video is decoded strictly while it is transcoded). FFmpeg's decoders conceal
 * damage and carry on, reporting it only through the log, so the check listens to the log of its own demuxer
 * and decoders (decoders run slice threads only, so their messages carry one context pointer) and also
 * compares decoded frames with packets and with the container's index.
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
        List<String> errors = new CopyOnWriteArrayList<>();
        double[] position = {0};
        AVPacket pkt = avcodec.av_packet_alloc();
        AVFrame frame = avutil.av_frame_alloc();
        int v = info.video().streamIndex();
        int a = info.audio() == null ? -1 : info.audio().streamIndex();
        long videoPackets = 0;
        long videoFrames = 0;
        long damaged = 0;
        long discarded = 0;
        long indexed;
        try (Demuxer in = Demuxer.open(file);
                Decoder video = decodeVideo ? Decoder.open(in.stream(v), threads, true, file.toString(), maxPixels) : null;
                Decoder audio = a < 0 ? null : Decoder.open(in.stream(a), 1, true, file.toString())) {
            indexed = in.stream(v).nb_frames();
            java.util.function.Consumer<String> collect = msg -> {
                if (errors.size() < 20) {
                    errors.add(String.format(Locale.ROOT, "%s (near %.2f s)", msg, position[0]));
                }
            };
            if (video != null) {
                LogRouter.listen(video.context(), collect);
            }
            if (audio != null) {
                LogRouter.listen(audio.context(), collect);
            }
            try {
                Rational tb = in.timeBase(v);
                double duration = Math.max(info.durationSeconds(), 0.001);
                boolean more = true;
                while (more) {
                    try {
                        more = in.read(pkt);
                    } catch (BadInputException e) {
                        throw new BadInputException(String.format(Locale.ROOT, "%s: unreadable after %.2f s of %.2f s: %s",
                                file, position[0], duration, in.errors().isEmpty() ? e.getMessage() : in.errors().get(0)));
                    }
                    int stream = more ? pkt.stream_index() : -1;
                    if (more && stream != v && stream != a) {
                        continue;
                    }
                    if (stream == v && (pkt.flags() & avcodec.AV_PKT_FLAG_DISCARD) != 0) {
                        discarded++; // Before an edit list's start: decoded as a reference, never shown.
                    }
                    if (stream == v && pkt.pts() != avutil.AV_NOPTS_VALUE) {
                        position[0] = Rational.time(pkt.pts(), tb).toDouble();
                        if ((++videoPackets & 63) == 0) {
                            cancel.check("Checking " + file);
                            progress.update(Math.min(1, position[0] / duration));
                        }
                    } else if (stream == v) {
                        videoPackets++;
                    }
                    for (Decoder d : more ? new Decoder[] {stream == v ? video : audio} : new Decoder[] {video, audio}) {
                        if (d == null) {
                            continue;
                        }
                        if (d.send(more ? pkt : null) < 0) {
                            collect.accept("packet rejected by the decoder");
                        }
                        while (d.receive(frame)) {
                            if (d == video) {
                                videoFrames++;
                                damaged += Decoder.isDamaged(frame) ? 1 : 0;
                            }
                            avutil.av_frame_unref(frame);
                        }
                    }
                }
            } finally {
                if (video != null) {
                    LogRouter.forget(video.context());
                }
                if (audio != null) {
                    LogRouter.forget(audio.context());
                }
            }
            errors.addAll(0, in.errors());
        } finally {
            avcodec.av_packet_free(pkt);
            avutil.av_frame_free(frame);
        }
        if (indexed > 0 && videoPackets < indexed) {
            throw new BadInputException(file + ": truncated: only " + videoPackets + " of the " + indexed
                    + " video frames its index lists are present" + (errors.isEmpty() ? "" : " (" + errors.get(0) + ")"));
        }
        if (!errors.isEmpty()) {
            throw new BadInputException(file + ": " + errors.size() + (errors.size() >= 20 ? "+" : "")
                    + " decode error(s), first: " + errors.get(0));
        }
        if (decodeVideo && (videoFrames < videoPackets - discarded || damaged > 0)) {
            throw new BadInputException(file + ": " + videoFrames + " of " + (videoPackets - discarded) + " video frames decoded, "
                    + damaged + " damaged");
        }
        progress.update(1);
    }
}
