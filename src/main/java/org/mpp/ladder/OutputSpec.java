package org.mpp.ladder;

import java.util.Set;

/**
 * One rung of the output ladder as an operator configures it (a row of the {@code output} table).
 *
 * @param maxX largest output width
 * @param maxY largest output height; also names the file ({@code <stem><maxY>p<fps>.mp4})
 * @param crf x264 constant rate factor, 0 (lossless) to 51
 * @param preset x264 preset (ultrafast ... placebo)
 * @param profile H.264 profile: baseline, main or high
 * @param maxFramerate frame rate cap, frames per second
 * @param audioBitrate AAC bit rate in kb/s
 */
public record OutputSpec(int maxX, int maxY, int crf, String preset, String profile, int maxFramerate, int audioBitrate) {
    public static final Set<String> PRESETS = Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
            "slow", "slower", "veryslow", "placebo");
    public static final Set<String> PROFILES = Set.of("baseline", "main", "high");

    /** @throws IllegalArgumentException naming the first field that is out of range */
    public OutputSpec {
        require(maxX >= 2 && maxX <= 16384, "maxX", maxX, "2 to 16384");
        require(maxY >= 2 && maxY <= 16384, "maxY", maxY, "2 to 16384");
        require(crf >= 0 && crf <= 51, "CRF", crf, "0 to 51");
        require(preset != null && PRESETS.contains(preset), "preset", preset, "one of " + PRESETS);
        require(profile != null && PROFILES.contains(profile), "profile", profile, "one of " + PROFILES);
        require(maxFramerate >= 1 && maxFramerate <= 240, "maxFramerate", maxFramerate, "1 to 240");
        require(audioBitrate >= 16 && audioBitrate <= 1024, "audioBitrate", audioBitrate, "16 to 1024 (kb/s)");
    }

    private static void require(boolean ok, String field, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("output " + field + " = " + value + " is not allowed: use " + allowed);
        }
    }
}
