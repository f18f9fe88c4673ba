package org.mpp.testmedia;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Writes broken or unsuitable inputs for failure-path tests. Everything is deterministic (fixed seeds). */
public final class BadMedia {
    private BadMedia() {
    }

    /** A zero-byte file. */
    public static Path empty(Path file) throws IOException {
        Files.deleteIfExists(file);
        return Files.write(file, new byte[0]);
    }

    /** {@code size} random bytes (seeded), e.g. under a .mp4 name: no demuxer recognises it. */
    public static Path randomBytes(Path file, int size) throws IOException {
        byte[] b = new byte[size];
        new Random(42).nextBytes(b);
        Files.deleteIfExists(file);
        return Files.write(file, b);
    }

    /**
     * A faststart H.264/AAC MP4 (moov, the index, before mdat) cut after {@code keepFraction} of its bytes: it opens
     * and lists every sample, but reading stops early (FFmpeg hits end of file inside mdat).
     */
    public static Path truncatedMp4(Path file, double keepFraction) throws IOException {
        SyntheticMedia.builder().seconds(4).faststart().write(file);
        long keep = (long) (Files.size(file) * keepFraction);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(keep);
        }
        return file;
    }

    /**
     * A 4 s H.264/AAC MP4 whose container is intact but some video packets in the middle carry garbage: the
     * keyframe at 2 s and the two packets after it (decode order) keep their first 16 bytes (the NAL length and
     * slice header start) and have the middle half of the rest overwritten with random bytes. It demuxes like the
     * original; decoding it makes FFmpeg's h264 decoder log AV_LOG_ERROR messages and conceal, and no API call fails.
     *
     * @return the file; {@link #corruptedPacketTimes} says which frames were hit
     */
    public static Path corruptedMp4(Path file) throws IOException {
        SyntheticMedia.builder().seconds(4).write(file);
        MediaProbe.Stream video = MediaProbe.probe(file).video().orElseThrow();
        Random random = new Random(7);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            for (MediaProbe.Packet p : corruptedPackets(video)) {
                int body = p.size() - 16;
                byte[] garbage = new byte[Math.max(1, body / 2)];
                random.nextBytes(garbage);
                raf.seek(p.pos() + 16 + body / 4);
                raf.write(garbage);
            }
        }
        return file;
    }

    /** Presentation times (s) of the packets {@link #corruptedMp4} overwrites, read from a probe of that file. */
    public static List<Double> corruptedPacketTimes(Path corruptedFile) throws IOException {
        MediaProbe.Stream video = MediaProbe.probe(corruptedFile).video().orElseThrow();
        return corruptedPackets(video).stream().map(p -> video.seconds(p.pts())).toList();
    }

    private static List<MediaProbe.Packet> corruptedPackets(MediaProbe.Stream video) {
        List<MediaProbe.Packet> packets = video.packets();
        int key = -1;
        for (int i = 0; i < packets.size(); i++) {
            if (packets.get(i).key() && Math.abs(video.seconds(packets.get(i).pts()) - 2.0) < 1e-3) {
                key = i;
            }
        }
        if (key < 0 || key + 3 > packets.size()) {
            throw new IllegalStateException("no keyframe at 2 s");
        }
        return packets.subList(key, key + 3);
    }

    /** An audio-only AAC file (use an .m4a name): no video stream at all. */
    public static Path audioOnly(Path file) throws IOException {
        return SyntheticMedia.builder().noVideo().seconds(3).write(file);
    }
}
