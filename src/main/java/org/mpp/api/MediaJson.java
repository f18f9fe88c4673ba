package org.mpp.api;

import org.mpp.media.MediaInfo;

/**
 * What the ingest's probe learned about a job's source, as the API shows it (a summary of {@code job.mediaInfo}; null
 * before the ingest probed it). Frame rate in frames per second, rounded to 3 decimals; audio fields null without audio.
 */
record MediaJson(String container, double durationSeconds, long sizeBytes, String videoCodec, int width, int height, double frameRate,
        boolean variableFrameRate, String audioCodec, Integer audioChannels, Integer audioSampleRate) {

    /** The summary of a stored probe; null when there is none or it cannot be read (never a failed request). */
    static MediaJson of(String mediaInfo) {
        if (mediaInfo == null || mediaInfo.isBlank()) {
            return null;
        }
        MediaInfo m;
        try {
            m = MediaInfo.fromJson(mediaInfo);
        } catch (IllegalArgumentException e) {
            return null;
        }
        MediaInfo.VideoInfo v = m.video();
        MediaInfo.AudioInfo a = m.audio();
        double fps = v == null || v.nominalFrameRate() == null ? 0 : Math.round(v.nominalFrameRate().toDouble() * 1000) / 1000.0;
        return new MediaJson(m.container(), m.durationSeconds(), m.sizeBytes(), v == null ? null : v.codec(), v == null ? 0 : v.displayWidth(),
                v == null ? 0 : v.displayHeight(), fps, v != null && v.variableFrameRate(), a == null ? null : a.codec(),
                a == null ? null : a.channels(), a == null ? null : a.sampleRate());
    }
}
