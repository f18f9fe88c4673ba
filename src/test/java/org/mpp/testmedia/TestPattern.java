package org.mpp.testmedia;

import java.util.Arrays;

/**
 * The picture and sound of a synthetic clip, in stored (unrotated) coordinates.
 *
 * <p>Picture (W x H): top quarter, the {@link FrameCode} of the frame index; second quarter, a coloured gradient
 * that scrolls 4 pixels a frame with a checkered box bouncing across it (luma 48..208, so encoders work and the
 * code reader never mistakes it for code cells); bottom half, the sync flash region: luma {@link #FLASH_ON} in the
 * frame whose interval contains a whole second t (1 <= t < the requested duration), {@link #FLASH_OFF} otherwise.
 *
 * <p>Sound: silence, except a 1 kHz sine burst of {@link #BURST_SECONDS} at amplitude {@link #BURST_AMPLITUDE} that
 * starts exactly at every whole second t >= 1 (sample t * rate), in every channel.
 */
public final class TestPattern {
    /** Luma of the flash region in a flash frame. */
    public static final int FLASH_ON = 235;
    /** Luma of the flash region otherwise. */
    public static final int FLASH_OFF = 16;
    /** Length of a tone burst. */
    public static final double BURST_SECONDS = 0.040;
    /** Frequency of a tone burst. */
    public static final double BURST_HZ = 1000;
    /** Peak amplitude of a tone burst (full scale 1.0). */
    public static final float BURST_AMPLITUDE = 0.5f;

    private TestPattern() {
    }

    /** Paints the luma plane of frame {@code index}. */
    public static void paintLuma(byte[] y, int width, int height, int index, boolean flash) {
        int band = (int) Math.round(height * FrameCode.BAND_FRACTION);
        int mid = height / 2;
        Arrays.fill(y, 0, width * band, (byte) FLASH_OFF);
        FrameCode.draw(y, width, height, width, index);
        int shift = 4 * index;
        for (int row = band; row < mid; row++) {
            int base = row * width;
            for (int x = 0; x < width; x++) {
                int g = Math.floorMod(x + shift + row, width);
                y[base + x] = (byte) (64 + g * 128 / width);
            }
        }
        int box = Math.max(4, (mid - band) * 2 / 3);
        int[] p = boxPosition(width, mid - band, box, index);
        for (int row = 0; row < box; row++) {
            int yy = band + p[1] + row;
            if (yy >= mid) {
                break;
            }
            for (int col = 0; col < box && p[0] + col < width; col++) {
                boolean on = ((row / 4) + (col / 4)) % 2 == 0;
                y[yy * width + p[0] + col] = (byte) (on ? 208 : 48);
            }
        }
        Arrays.fill(y, mid * width, height * width, (byte) (flash ? FLASH_ON : FLASH_OFF));
    }

    /**
     * Paints the chroma planes (each {@code cw x ch}, for a picture of {@code width x height}): neutral except a
     * colour gradient in the moving band.
     */
    public static void paintChroma(byte[] u, byte[] v, int cw, int ch, int width, int height, int index) {
        Arrays.fill(u, (byte) 128);
        Arrays.fill(v, (byte) 128);
        int band = (int) Math.round(height * FrameCode.BAND_FRACTION);
        int mid = height / 2;
        int r0 = (int) Math.ceil((double) band * ch / height);
        int r1 = mid * ch / height;
        for (int row = r0; row < r1; row++) {
            for (int x = 0; x < cw; x++) {
                int g = Math.floorMod(x * width / cw + 4 * index, width);
                u[row * cw + x] = (byte) (64 + g * 128 / width);
                v[row * cw + x] = (byte) (192 - g * 128 / width);
            }
        }
    }

    /** Fills one channel's samples [first, first + n) of the sound track (all channels are identical). */
    public static void paintSamples(float[] out, long first, int n, int sampleRate) {
        long burst = Math.round(BURST_SECONDS * sampleRate);
        for (int i = 0; i < n; i++) {
            long s = first + i;
            long t = s / sampleRate;
            long into = s - t * sampleRate;
            if (t >= 1 && into < burst) {
                out[i] = (float) (BURST_AMPLITUDE * Math.sin(2 * Math.PI * BURST_HZ * into / sampleRate));
            } else {
                out[i] = 0f;
            }
        }
    }

    private static int[] boxPosition(int width, int bandHeight, int box, int index) {
        int rangeX = Math.max(1, width - box);
        int rangeY = Math.max(1, bandHeight - box);
        int x = bounce(index * 5, rangeX);
        int y = bounce(index * 2, rangeY);
        return new int[] {x, y};
    }

    private static int bounce(int travelled, int range) {
        int m = Math.floorMod(travelled, 2 * range);
        return m < range ? m : 2 * range - m;
    }
}
