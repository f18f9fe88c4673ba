package org.mpp.testmedia;

import java.nio.ByteBuffer;

/**
 * A frame index drawn as big black/white cells in the top quarter of a picture, readable after scaling, lossy
 * re-encoding and rotation by multiples of 90 degrees.
 *
 * <p>Layout, in the stored (unrotated) picture of size W x H: the band {@code y < H/4} is split into 2 rows of 10
 * cells (each W/10 wide, H/8 high). Cells in row-major order k = 0..19: k = 0 white reference, k = 19 black
 * reference, k = 1..12 the index (12 bits, most significant first, white = 1), k = 13..18 a 6-bit check value of the
 * index. Black is luma 16, white luma 235. A reader samples the central half of each cell, takes the threshold
 * halfway between the two references and refuses (returns -1) when the references are less than 64 apart, when any
 * cell lies in the middle half between them, or when the check bits do not match. Indices 0..4095 fit.
 *
 * <p>Readable as long as a cell's central half covers about 2x2 pixels or more: a 320x180 source downscaled to 80x45
 * and encoded at CRF 28 still reads.
 */
public final class FrameCode {
    /** Largest index that fits. */
    public static final int MAX_INDEX = 4095;
    /** Luma of black cells. */
    public static final int BLACK = 16;
    /** Luma of white cells. */
    public static final int WHITE = 235;
    /** Fraction of the picture height taken by the band. */
    public static final double BAND_FRACTION = 0.25;

    static final int COLS = 10;
    static final int ROWS = 2;
    private static final int DATA_BITS = 12;
    private static final int CHECK_BITS = 6;
    private static final int MIN_CONTRAST = 64;

    /**
     * A successful or failed reading.
     *
     * @param index              the frame index, or -1 when unreadable
     * @param orientationDegrees counterclockwise rotation, in {0, 90, 180, 270}, of the drawn code in the frame
     *                           read: 0 for a frame as stored; for a file whose display matrix reads back
     *                           {@code av_display_rotation_get} = r, an upright (auto-rotated) frame reads
     *                           {@code Math.floorMod(r, 360)}; -1 when unreadable
     */
    public record Reading(int index, int orientationDegrees) {
        /** Nothing readable. */
        public static final Reading NONE = new Reading(-1, -1);

        /** Whether a code was found. */
        public boolean found() {
            return index >= 0;
        }
    }

    private FrameCode() {
    }

    /** Draws the code of {@code index} into the top quarter of a luma plane. */
    public static void draw(byte[] luma, int width, int height, int stride, int index) {
        if (index < 0 || index > MAX_INDEX) {
            throw new IllegalArgumentException("index out of range 0.." + MAX_INDEX + ": " + index);
        }
        boolean[] bits = cells(index);
        for (int r = 0; r < ROWS; r++) {
            int y0 = r * height / (ROWS * 4);
            int y1 = (r + 1) * height / (ROWS * 4);
            for (int c = 0; c < COLS; c++) {
                int x0 = c * width / COLS;
                int x1 = (c + 1) * width / COLS;
                byte v = (byte) (bits[r * COLS + c] ? WHITE : BLACK);
                for (int y = y0; y < y1; y++) {
                    java.util.Arrays.fill(luma, y * stride + x0, y * stride + x1, v);
                }
            }
        }
    }

    /** Reads a code drawn upright (orientation 0); -1 when unreadable. */
    public static int read(byte[] luma, int width, int height, int stride) {
        return decode(new Plane(ByteBuffer.wrap(luma), width, height, stride), 0);
    }

    /** Reads a code drawn upright (orientation 0) from a buffer (absolute reads from index 0); -1 when unreadable. */
    public static int read(ByteBuffer luma, int width, int height, int stride) {
        return decode(new Plane(luma, width, height, stride), 0);
    }

    /** Tries the four orientations (0, 90, 180, 270) and reports the first that reads. */
    public static Reading readAnyOrientation(byte[] luma, int width, int height, int stride) {
        return readAnyOrientation(ByteBuffer.wrap(luma), width, height, stride);
    }

    /** Tries the four orientations (0, 90, 180, 270) and reports the first that reads. */
    public static Reading readAnyOrientation(ByteBuffer luma, int width, int height, int stride) {
        Plane p = new Plane(luma, width, height, stride);
        for (int o = 0; o < 360; o += 90) {
            int index = decode(p, o);
            if (index >= 0) {
                return new Reading(index, o);
            }
        }
        return Reading.NONE;
    }

    /** The 6-bit check value stored with an index. */
    static int check(int index) {
        long h = ((index + 1L) * 0x9E3779B1L) & 0xFFFFFFFFL;
        return (int) (h >>> (32 - CHECK_BITS));
    }

    /** Cell colours (true = white) in row-major order. */
    static boolean[] cells(int index) {
        boolean[] bits = new boolean[ROWS * COLS];
        bits[0] = true;
        bits[ROWS * COLS - 1] = false;
        for (int i = 0; i < DATA_BITS; i++) {
            bits[1 + i] = ((index >> (DATA_BITS - 1 - i)) & 1) != 0;
        }
        int check = check(index);
        for (int i = 0; i < CHECK_BITS; i++) {
            bits[1 + DATA_BITS + i] = ((check >> (CHECK_BITS - 1 - i)) & 1) != 0;
        }
        return bits;
    }

    private static int decode(Plane p, int orientation) {
        int n = ROWS * COLS;
        double[] means = new double[n];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS; c++) {
                // central half of the cell, in normalised stored-picture coordinates
                double u0 = (c + 0.25) / COLS;
                double u1 = (c + 0.75) / COLS;
                double v0 = BAND_FRACTION * (r + 0.25) / ROWS;
                double v1 = BAND_FRACTION * (r + 0.75) / ROWS;
                means[r * COLS + c] = p.mean(orientation, u0, v0, u1, v1);
            }
        }
        double white = means[0];
        double black = means[n - 1];
        double range = white - black;
        if (range < MIN_CONTRAST) {
            return -1;
        }
        double threshold = (white + black) / 2;
        int value = 0;
        for (int k = 1; k < n - 1; k++) {
            double m = means[k];
            if (Math.abs(m - threshold) < range / 4) {
                return -1; // grey: not a code cell
            }
            value = (value << 1) | (m > threshold ? 1 : 0);
        }
        int index = value >> CHECK_BITS;
        int check = value & ((1 << CHECK_BITS) - 1);
        return check == check(index) ? index : -1;
    }

    /** A luma plane sampled in the coordinates of the stored picture rotated counterclockwise by an angle. */
    private record Plane(ByteBuffer data, int width, int height, int stride) {
        /** Mean over the stored-picture rectangle [u0,u1) x [v0,v1) as it appears in this plane. */
        double mean(int orientation, double u0, double v0, double u1, double v1) {
            // (u, v) in the stored picture lands at (x, y) here, all normalised to [0, 1]
            double x0;
            double x1;
            double y0;
            double y1;
            switch (orientation) {
                case 0 -> { x0 = u0; x1 = u1; y0 = v0; y1 = v1; }
                case 90 -> { x0 = v0; x1 = v1; y0 = 1 - u1; y1 = 1 - u0; }
                case 180 -> { x0 = 1 - u1; x1 = 1 - u0; y0 = 1 - v1; y1 = 1 - v0; }
                case 270 -> { x0 = 1 - v1; x1 = 1 - v0; y0 = u0; y1 = u1; }
                default -> throw new IllegalArgumentException("orientation " + orientation);
            }
            int px0 = (int) Math.floor(x0 * width);
            int px1 = Math.max(px0 + 1, (int) Math.ceil(x1 * width));
            int py0 = (int) Math.floor(y0 * height);
            int py1 = Math.max(py0 + 1, (int) Math.ceil(y1 * height));
            px1 = Math.min(px1, width);
            py1 = Math.min(py1, height);
            long sum = 0;
            for (int y = py0; y < py1; y++) {
                int row = y * stride;
                for (int x = px0; x < px1; x++) {
                    sum += data.get(row + x) & 0xFF;
                }
            }
            return (double) sum / ((long) (px1 - px0) * (py1 - py0));
        }
    }
}
