package org.mpp.media;

import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.mpp.Rational;
import org.mpp.Threads;
import org.mpp.media.CmafTrack.CmafSegment;
import org.mpp.media.CmafTrack.Kind;

/**
 * Cuts finished renditions into CMAF tracks by packet copy: one video track per rendition, one audio track per audio
 * bit rate, every track cut at the same times. The first video (the largest rendition) sets the cuts: a segment ends at
 * the first keyframe at least {@code segmentSeconds} after its start. The other renditions must have keyframes at
 * those times (they do: every rendition is encoded with keyframes at the same times); audio is cut at the packet
 * nearest each cut. Stateless.
 */
final class CmafPackager {
    private CmafPackager() {
    }

    /**
     * Writes the tracks into {@code dir/<id>/}. {@code videos} must not be empty; {@code audios} may be.
     *
     * @throws MediaException when a file cannot be read or its keyframes do not line up with the first video's
     * @throws CancelledException when {@code cancel} was triggered
     */
    static List<CmafTrack> write(List<MediaEngine.TrackSource> videos, List<MediaEngine.TrackSource> audios, double segmentSeconds,
            Path dir, Cancellation cancel) {
        if (videos.isEmpty()) {
            throw new IllegalArgumentException("No video to package into " + dir);
        }
        Cuts cuts = new Cuts(segmentSeconds);
        CmafTrack leader = copy(videos.get(0), AVMEDIA_TYPE_VIDEO, cuts, dir, cancel);
        cuts.freeze();
        // The other tracks only follow the leader's cuts, fixed now: they are cut at the same time, one thread each (the
        // package is written after the job's last segment, where nothing else of the job runs).
        List<MediaEngine.TrackSource> followers = new ArrayList<>(videos.subList(1, videos.size()));
        followers.addAll(audios);
        CmafTrack[] copied = new CmafTrack[followers.size()];
        Throwable[] failed = new Throwable[followers.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < followers.size(); i++) {
            int index = i;
            int type = i < videos.size() - 1 ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO;
            Thread t = new Thread(() -> {
                try {
                    copied[index] = copy(followers.get(index), type, cuts, dir, cancel);
                } catch (RuntimeException | Error e) {
                    failed[index] = e;
                }
            }, Thread.currentThread().getName() + "-" + followers.get(i).id());
            threads.add(t);
            t.start();
        }
        Threads.joinAll(threads); // They write into the package's folder: all end before it is published or removed.
        // A real failure before a cancellation: the cancellation may be its consequence.
        for (boolean cancellations : new boolean[] {false, true}) {
            for (Throwable e : failed) {
                if (e != null && (e instanceof CancelledException) == cancellations) {
                    if (e instanceof Error err) {
                        throw err;
                    }
                    throw (RuntimeException) e;
                }
            }
        }
        List<CmafTrack> tracks = new ArrayList<>();
        tracks.add(leader);
        tracks.addAll(List.of(copied));
        return tracks;
    }

    private static CmafTrack copy(MediaEngine.TrackSource source, int type, Cuts cuts, Path dir, Cancellation cancel) {
        Path trackDir = dir.resolve(source.id());
        try {
            Files.createDirectories(trackDir);
        } catch (IOException e) {
            throw DiskFullException.of("Creating " + trackDir, trackDir, e);
        }
        String operation = "Packaging " + source.file();
        AVPacket pkt = avcodec.av_packet_alloc();
        try (Demuxer in = Demuxer.openOwn(source.file())) {
            int stream = in.bestStream(type);
            if (stream < 0) {
                throw new MediaException(source.file() + " has no " + (type == AVMEDIA_TYPE_VIDEO ? "video" : "audio") + " stream to package");
            }
            for (int i = 0; i < in.streamCount(); i++) {
                // The MP4 demuxer then skips the other track's samples instead of reading them: an audio track is taken
                // from a rendition without reading its video.
                in.stream(i).discard(i == stream ? avcodec.AVDISCARD_DEFAULT : avcodec.AVDISCARD_ALL);
            }
            AVCodecParameters par = in.stream(stream).codecpar();
            Rational inTb = in.timeBase(stream);
            Cutter cutter = type == AVMEDIA_TYPE_VIDEO ? cuts.video(Ffmpeg.rational(in.stream(stream).avg_frame_rate()), source.file())
                    : cuts.audio();
            try (CmafTrackWriter out = CmafTrackWriter.create(trackDir, CmafTrack.INIT, par, inTb)) {
                Rational tb = out.timeBase();
                int written = 0;
                while (in.read(pkt)) {
                    cancel.check(operation);
                    if (pkt.stream_index() != stream || pkt.pts() == AV_NOPTS_VALUE || pkt.pts() < 0) {
                        // An AAC track's priming packet lies before 0: the package starts every track at 0 with no edit
                        // list, so it is left out (the decoder fades in over its first 21 ms instead).
                        avcodec.av_packet_unref(pkt);
                        continue;
                    }
                    Rational time = Rational.time(pkt.pts(), inTb);
                    boolean key = (pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0;
                    if (written > 0 && cutter.cutBefore(time, Rational.time(pkt.duration(), inTb), key)) {
                        out.cut();
                    }
                    pkt.stream_index(0);
                    pkt.pos(-1);
                    avcodec.av_packet_rescale_ts(pkt, Ffmpeg.av(inTb), Ffmpeg.av(tb));
                    out.write(pkt);
                    written++;
                }
                if (written == 0) {
                    throw new MediaException(source.file() + " has no packets to package");
                }
                out.cut();
                cutter.finish();
                return track(source.id(), type, par, in.stream(stream).avg_frame_rate(), tb, out.segments());
            }
        } finally {
            avcodec.av_packet_free(pkt);
        }
    }

    private static CmafTrack track(String id, int type, AVCodecParameters par, org.bytedeco.ffmpeg.avutil.AVRational rate, Rational tb,
            List<CmafSegment> segments) {
        long timescale = tb.inverse().round();
        if (type == AVMEDIA_TYPE_VIDEO) {
            return new CmafTrack(Kind.VIDEO, id, CodecStrings.of(par), par.width(), par.height(), Ffmpeg.rational(rate), 0, 0, timescale, segments);
        }
        return new CmafTrack(Kind.AUDIO, id, CodecStrings.of(par), 0, 0, null, par.ch_layout().nb_channels(), par.sample_rate(), timescale,
                segments);
    }

    /** Decides, packet by packet, where a track's segments end. */
    private interface Cutter {
        /** Whether a new segment starts with the packet presented at {@code time}. */
        boolean cutBefore(Rational time, Rational duration, boolean key);

        /** Called after the last packet: throws when cuts the track should have had never came. */
        void finish();
    }

    /** The cut times of a package: set by its first video track, then followed by every other track. */
    private static final class Cuts {
        private final Rational segmentSeconds;
        private final List<Rational> times = new ArrayList<>();
        private boolean frozen;

        Cuts(double segmentSeconds) {
            this.segmentSeconds = Rational.of(Math.round(segmentSeconds * 1000), 1000);
        }

        void freeze() {
            frozen = true;
        }

        Cutter video(Rational frameRate, Path file) {
            if (!frameRate.isPositive()) {
                throw new MediaException(file + " has no frame rate");
            }
            Rational half = frameRate.inverse().times(Rational.of(1, 2));
            return frozen ? follower(half, file) : leader(half);
        }

        /** The first video: a cut at the first keyframe at least segmentSeconds (less half a frame) after the last cut. */
        private Cutter leader(Rational half) {
            return new Cutter() {
                private Rational start = Rational.ZERO;

                @Override
                public boolean cutBefore(Rational time, Rational duration, boolean key) {
                    if (key && time.minus(start).compareTo(segmentSeconds.minus(half)) >= 0) {
                        times.add(time);
                        start = time;
                        return true;
                    }
                    return false;
                }

                @Override
                public void finish() {
                }
            };
        }

        /** Another rendition: a cut at its keyframe within half a frame of each of the first video's cuts. */
        private Cutter follower(Rational half, Path file) {
            return new Cutter() {
                private int next;

                @Override
                public boolean cutBefore(Rational time, Rational duration, boolean key) {
                    if (!key || next >= times.size()) {
                        return false;
                    }
                    Rational cut = times.get(next);
                    Rational off = time.minus(cut);
                    if (off.compareTo(half) <= 0 && off.plus(half).compareTo(Rational.ZERO) >= 0) {
                        next++;
                        return true;
                    }
                    if (time.compareTo(cut) > 0) {
                        throw unaligned(file, cut);
                    }
                    return false;
                }

                @Override
                public void finish() {
                    if (next < times.size()) {
                        throw unaligned(file, times.get(next));
                    }
                }
            };
        }

        /** Audio: a cut before the first packet that starts no more than half a packet before each cut. */
        Cutter audio() {
            return new Cutter() {
                private int next;

                @Override
                public boolean cutBefore(Rational time, Rational duration, boolean key) {
                    if (next < times.size() && time.plus(duration.times(Rational.of(1, 2))).compareTo(times.get(next)) >= 0) {
                        next++;
                        return true;
                    }
                    return false;
                }

                @Override
                public void finish() {
                }
            };
        }

        private static MediaException unaligned(Path file, Rational cut) {
            return new MediaException(file + " has no keyframe at " + String.format("%.3f", cut.toDouble())
                    + " s, where the largest rendition's segment starts: its segments cannot be aligned with the other renditions'");
        }
    }
}
