package org.mpp.testmedia;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pure tests of {@link FrameCode}: drawing, reading, orientation, robustness. */
class FrameCodeTest {

    @ParameterizedTest
    @CsvSource({"320,180", "321,181", "180,320", "160,90", "640,360"})
    void readsBackEveryIndexItDraws(int w, int h) {
        byte[] y = new byte[w * h];
        for (int i = 0; i <= FrameCode.MAX_INDEX; i += 7) {
            TestPattern.paintLuma(y, w, h, i, i % 30 == 0);
            assertThat(FrameCode.read(y, w, h, w)).as("index %d", i).isEqualTo(i);
        }
    }

    @Test
    void readsWithAStrideAndFromAByteBuffer() {
        int w = 320;
        int h = 180;
        int stride = 384;
        byte[] y = new byte[stride * h];
        byte[] packed = new byte[w * h];
        TestPattern.paintLuma(packed, w, h, 1234, false);
        for (int row = 0; row < h; row++) {
            System.arraycopy(packed, row * w, y, row * stride, w);
        }
        assertThat(FrameCode.read(y, w, h, stride)).isEqualTo(1234);
        assertThat(FrameCode.read(ByteBuffer.wrap(y), w, h, stride)).isEqualTo(1234);
    }

    @ParameterizedTest
    @CsvSource({"0", "90", "180", "270"})
    void reportsTheOrientationOfARotatedPicture(int ccw) {
        int w = 320;
        int h = 180;
        byte[] y = new byte[w * h];
        for (int i = 0; i < 300; i += 13) {
            TestPattern.paintLuma(y, w, h, i, i % 2 == 0);
            Plane r = rotateCcw(new Plane(y, w, h), ccw);
            FrameCode.Reading reading = FrameCode.readAnyOrientation(r.data, r.w, r.h, r.w);
            assertThat(reading).isEqualTo(new FrameCode.Reading(i, ccw));
            assertThat(SyncMarks.flashRegionMean(r.data, r.w, r.h, r.w, ccw))
                    .isEqualTo(i % 2 == 0 ? TestPattern.FLASH_ON : TestPattern.FLASH_OFF);
        }
    }

    @Test
    void survivesQuarterScaleBoxFilterAndNoise() {
        int w = 320;
        int h = 180;
        byte[] y = new byte[w * h];
        Random random = new Random(1);
        for (int i = 0; i < 200; i++) {
            TestPattern.paintLuma(y, w, h, i, false);
            Plane small = boxDownscale(new Plane(y, w, h), 4);
            for (int k = 0; k < small.data.length; k++) {
                int v = (small.data[k] & 0xFF) + (int) Math.round(random.nextGaussian() * 12);
                small.data[k] = (byte) Math.max(0, Math.min(255, v));
            }
            assertThat(FrameCode.read(small.data, small.w, small.h, small.w)).isEqualTo(i);
        }
    }

    @Test
    void refusesPicturesWithoutACode() {
        byte[] grey = new byte[320 * 180];
        Arrays.fill(grey, (byte) 128);
        assertThat(FrameCode.read(grey, 320, 180, 320)).isEqualTo(-1);
        assertThat(FrameCode.readAnyOrientation(grey, 320, 180, 320)).isEqualTo(FrameCode.Reading.NONE);
        byte[] noise = new byte[320 * 180];
        new Random(3).nextBytes(noise);
        assertThat(FrameCode.readAnyOrientation(noise, 320, 180, 320).found()).isFalse();
    }

    @Test
    void aSingleFlippedCellIsDetected() {
        boolean[] cells = FrameCode.cells(1000);
        int w = 320;
        int h = 180;
        byte[] y = new byte[w * h];
        for (int k = 1; k < cells.length - 1; k++) {
            TestPattern.paintLuma(y, w, h, 1000, false);
            int r = k / FrameCode.COLS;
            int c = k % FrameCode.COLS;
            byte flipped = (byte) (cells[k] ? FrameCode.BLACK : FrameCode.WHITE);
            for (int yy = r * h / 8; yy < (r + 1) * h / 8; yy++) {
                Arrays.fill(y, yy * w + c * w / 10, yy * w + (c + 1) * w / 10, flipped);
            }
            assertThat(FrameCode.read(y, w, h, w)).as("cell %d flipped", k).isNotEqualTo(1000);
        }
    }

    /** A packed 8-bit plane. */
    record Plane(byte[] data, int w, int h) {
    }

    /** Rotates a plane counterclockwise by 0/90/180/270 degrees. */
    static Plane rotateCcw(Plane p, int degrees) {
        int w = p.w;
        int h = p.h;
        switch (degrees) {
            case 0:
                return p;
            case 180: {
                byte[] out = new byte[w * h];
                for (int i = 0; i < out.length; i++) {
                    out[out.length - 1 - i] = p.data[i];
                }
                return new Plane(out, w, h);
            }
            case 90:
            case 270: {
                byte[] out = new byte[w * h];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        // ccw 90: (x, y) -> (y, w-1-x); ccw 270: (x, y) -> (h-1-y, x); new width is h
                        int nx = degrees == 90 ? y : h - 1 - y;
                        int ny = degrees == 90 ? w - 1 - x : x;
                        out[ny * h + nx] = p.data[y * w + x];
                    }
                }
                return new Plane(out, h, w);
            }
            default:
                throw new IllegalArgumentException("degrees " + degrees);
        }
    }

    static Plane boxDownscale(Plane p, int factor) {
        int w = p.w / factor;
        int h = p.h / factor;
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sum = 0;
                for (int dy = 0; dy < factor; dy++) {
                    for (int dx = 0; dx < factor; dx++) {
                        sum += p.data[(y * factor + dy) * p.w + x * factor + dx] & 0xFF;
                    }
                }
                out[y * w + x] = (byte) (sum / (factor * factor));
            }
        }
        return new Plane(out, w, h);
    }
}
