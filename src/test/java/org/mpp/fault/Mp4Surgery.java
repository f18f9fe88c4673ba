package org.mpp.fault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Rewrites the picture size an H.264 MP4 declares, in place, without touching its samples: the track header
 * ({@code tkhd}, display size), the sample entry ({@code avc1}, coded size) and the sequence parameter set inside
 * {@code avcC} (what the decoder believes). For "absurd header" uploads: the container and the samples are intact,
 * only the sizes lie.
 *
 * <p>The SPS is re-written bit by bit with the new size, no cropping and no VUI; it must not grow (the VUI that is
 * dropped leaves room for sizes up to about 65,000 pixels), and zero bytes pad it to its old length so that no box
 * size or chunk offset changes. Only what libx264 writes is supported (no scaling matrices, no field coding).
 */
final class Mp4Surgery {
    private static final List<String> CONTAINERS = List.of("moov", "trak", "mdia", "minf", "stbl");

    private Mp4Surgery() {
    }

    /** Sets the display size in {@code tkhd} and the coded size in {@code avc1}; the SPS keeps the real one. */
    static void declareContainerSize(Path file, int width, int height) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(b);
        Box tkhd = find(buf, 0, b.length, "moov/trak/tkhd").orElseThrow(() -> new IOException(file + ": no moov/trak/tkhd"));
        int version = b[tkhd.payload] & 0xff;
        int at = tkhd.payload + (version == 1 ? 88 : 76);
        buf.putInt(at, width << 16);
        buf.putInt(at + 4, height << 16);
        Box avc1 = avc1(buf, b.length, file);
        buf.putShort(avc1.payload + 24, (short) width);
        buf.putShort(avc1.payload + 26, (short) height);
        Files.write(file, b);
    }

    /** Sets every declared size (tkhd, avc1 and the SPS the decoder reads) to {@code width} x {@code height}. */
    static void declareSize(Path file, int width, int height) throws IOException {
        if (width % 16 != 0 || height % 16 != 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("An SPS without cropping states whole macroblocks: " + width + "x" + height);
        }
        declareContainerSize(file, width & 0xffff, height & 0xffff);
        byte[] b = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(b);
        Box avc1 = avc1(buf, b.length, file);
        // avc1: 78 bytes of sample entry before its child boxes.
        Box avcC = find(buf, avc1.start + 8 + 78, avc1.end, "avcC").orElseThrow(() -> new IOException(file + ": no avcC"));
        int p = avcC.payload;
        if ((b[p + 5] & 0x1f) < 1) {
            throw new IOException(file + ": avcC holds no SPS");
        }
        int spsLength = buf.getShort(p + 6) & 0xffff;
        int sps = p + 8;
        byte[] rewritten = rewriteSps(java.util.Arrays.copyOfRange(b, sps, sps + spsLength), width / 16, height / 16);
        if (rewritten.length > spsLength) {
            throw new IOException("The rewritten SPS (" + rewritten.length + " bytes) is longer than the original (" + spsLength + ")");
        }
        java.util.Arrays.fill(b, sps, sps + spsLength, (byte) 0);
        System.arraycopy(rewritten, 0, b, sps, rewritten.length);
        Files.write(file, b);
    }

    private static Box avc1(ByteBuffer buf, int length, Path file) throws IOException {
        Box stsd = find(buf, 0, length, "moov/trak/mdia/minf/stbl/stsd").orElseThrow(() -> new IOException(file + ": no stsd"));
        // stsd: version, flags and an entry count before the sample entries.
        return find(buf, stsd.payload + 8, stsd.end, "avc1").orElseThrow(() -> new IOException(file + ": no avc1 sample entry"));
    }

    private record Box(String type, int start, int payload, int end) {
    }

    /** The first box along {@code path} (types separated by '/') in [from, to); the first video trak is the first trak with an avc1. */
    private static Optional<Box> find(ByteBuffer buf, int from, int to, String path) {
        String[] parts = path.split("/", 2);
        for (int at = from; at + 8 <= to; ) {
            long size = buf.getInt(at) & 0xffffffffL;
            String type = new String(new byte[] {buf.get(at + 4), buf.get(at + 5), buf.get(at + 6), buf.get(at + 7)},
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            int header = 8;
            if (size == 1) {
                size = buf.getLong(at + 8);
                header = 16;
            } else if (size == 0) {
                size = to - at;
            }
            int end = (int) Math.min(to, at + size);
            if (type.equals(parts[0])) {
                Box box = new Box(type, at, at + header, end);
                if (parts.length == 1) {
                    return Optional.of(box);
                }
                if (CONTAINERS.contains(type)) {
                    Optional<Box> inner = find(buf, box.payload, end, parts[1]);
                    if (inner.isPresent()) {
                        return inner;
                    }
                }
            }
            if (size < 8) {
                return Optional.empty();
            }
            at = end;
        }
        return Optional.empty();
    }

    /** The SPS NAL unit (header byte included) with a new size in macroblocks, no cropping and no VUI. */
    static byte[] rewriteSps(byte[] nal, int widthMbs, int heightMbs) throws IOException {
        BitReader in = new BitReader(unescape(nal));
        BitWriter out = new BitWriter();
        out.bits(in.bits(8), 8); // NAL header
        int profile = in.bits(8);
        out.bits(profile, 8);
        out.bits(in.bits(16), 16); // constraint flags, level
        out.ue(in.ue()); // seq_parameter_set_id
        if (List.of(100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135).contains(profile)) {
            int chroma = in.ue();
            out.ue(chroma);
            if (chroma == 3) {
                out.bits(in.bits(1), 1);
            }
            out.ue(in.ue()); // bit depth luma
            out.ue(in.ue()); // bit depth chroma
            out.bits(in.bits(1), 1); // qpprime_y_zero_transform_bypass
            if (in.bits(1) != 0) {
                throw new IOException("SPS with scaling matrices: not supported");
            }
            out.bits(0, 1);
        }
        out.ue(in.ue()); // log2_max_frame_num_minus4
        int pocType = in.ue();
        out.ue(pocType);
        if (pocType == 0) {
            out.ue(in.ue());
        } else if (pocType == 1) {
            throw new IOException("SPS with pic_order_cnt_type 1: not supported");
        }
        out.ue(in.ue()); // max_num_ref_frames
        out.bits(in.bits(1), 1); // gaps_in_frame_num_allowed
        in.ue();
        in.ue();
        out.ue(widthMbs - 1);
        out.ue(heightMbs - 1);
        int frameMbsOnly = in.bits(1);
        if (frameMbsOnly == 0) {
            throw new IOException("SPS with field coding: not supported");
        }
        out.bits(1, 1);
        out.bits(in.bits(1), 1); // direct_8x8_inference
        out.bits(0, 1); // no cropping
        out.bits(0, 1); // no VUI
        out.bits(1, 1); // rbsp_stop_one_bit
        return escape(out.bytes());
    }

    private static byte[] unescape(byte[] nal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int zeros = 0;
        for (byte x : nal) {
            if (zeros >= 2 && x == 3) {
                zeros = 0;
                continue;
            }
            out.write(x);
            zeros = x == 0 ? zeros + 1 : 0;
        }
        return out.toByteArray();
    }

    private static byte[] escape(byte[] rbsp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int zeros = 0;
        for (byte x : rbsp) {
            if (zeros >= 2 && (x & 0xff) <= 3) {
                out.write(3);
                zeros = 0;
            }
            out.write(x);
            zeros = x == 0 ? zeros + 1 : 0;
        }
        return out.toByteArray();
    }

    private static final class BitReader {
        private final byte[] b;
        private int pos;

        BitReader(byte[] b) {
            this.b = b;
        }

        int bits(int n) throws IOException {
            int v = 0;
            for (int i = 0; i < n; i++) {
                if (pos >= b.length * 8) {
                    throw new IOException("SPS ends early");
                }
                v = (v << 1) | ((b[pos >> 3] >> (7 - (pos & 7))) & 1);
                pos++;
            }
            return v;
        }

        int ue() throws IOException {
            int zeros = 0;
            while (bits(1) == 0) {
                zeros++;
            }
            return (1 << zeros) - 1 + bits(zeros);
        }
    }

    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int current;
        private int count;

        void bits(long v, int n) {
            for (int i = n - 1; i >= 0; i--) {
                current = (current << 1) | (int) ((v >> i) & 1);
                if (++count == 8) {
                    out.write(current);
                    current = 0;
                    count = 0;
                }
            }
        }

        void ue(int v) {
            long code = v + 1L;
            int length = 64 - Long.numberOfLeadingZeros(code);
            bits(0, length - 1);
            bits(code, length);
        }

        byte[] bytes() {
            if (count > 0) {
                bits(0, 8 - count);
            }
            return out.toByteArray();
        }
    }
}
