package org.mpp.media;

import org.mpp.Rational;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;

/**
 * What a probe learned about a source file. Serialises to JSON (stored in {@code job.mediaInfo}) and back.
 *
 * @param container FFmpeg's name of the container format ("mov,mp4,m4a,3gp,3g2,mj2", "mpegts", ...)
 * @param audio the first audio track, or null when the file has none
 * @param keyframeTimes presentation times of the video keyframes, in seconds from the file's time zero
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MediaInfo(String file, String container, long sizeBytes, double durationSeconds, VideoInfo video,
        AudioInfo audio, List<Double> keyframeTimes) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The video track.
     *
     * @param nominalFrameRate the rate the track is meant to play at (FFmpeg's r_frame_rate when sane)
     * @param variableFrameRate true when frame durations differ (beyond timestamp rounding)
     * @param rotation degrees clockwise (0, 90, 180, 270) to turn the stored picture to display it upright
     * @param start presentation time of the first frame, seconds, exact
     * @param end presentation time at which the last frame stops showing, seconds, exact
     */
    public record VideoInfo(int streamIndex, String codec, int width, int height, String pixelFormat,
            Rational nominalFrameRate, Rational averageFrameRate, boolean variableFrameRate, int rotation,
            long frameCount, Rational start, Rational end) {

        /** Width as displayed, after rotation. */
        @JsonIgnore
        public int displayWidth() {
            return rotation % 180 == 0 ? width : height;
        }

        /** Height as displayed, after rotation. */
        @JsonIgnore
        public int displayHeight() {
            return rotation % 180 == 0 ? height : width;
        }

        @JsonIgnore
        public Rational duration() {
            return end.minus(start);
        }
    }

    /** The audio track that renditions carry. */
    public record AudioInfo(int streamIndex, String codec, int channels, String channelLayout, int sampleRate,
            double startSeconds, double durationSeconds) {
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("MediaInfo cannot be written as JSON", e);
        }
    }

    /**
     * Writes and reads a made-up probe once: Jackson's classes load and this record's shape is learnt here, on the
     * thread that preloads FFmpeg ({@link MediaEngine#preload}), instead of at a cold run's first claim (its job.started
     * event is JSON) and after its first probe (about 0.05 s together).
     */
    static void warmUpJson() {
        VideoInfo video = new VideoInfo(0, "h264", 2, 2, "yuv420p", Rational.of(30), Rational.of(30), false, 0, 1, Rational.of(0),
                Rational.of(1, 30));
        fromJson(new MediaInfo("warm-up", "mp4", 0, 1, video, new AudioInfo(1, "aac", 2, "stereo", 48000, 0, 1), List.of(0.0)).toJson());
    }

    public static MediaInfo fromJson(String json) {
        try {
            return JSON.readValue(json, MediaInfo.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a MediaInfo JSON document: " + e.getOriginalMessage(), e);
        }
    }
}
