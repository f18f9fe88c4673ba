package org.mpp.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.mpp.config.Settings;
import org.mpp.ladder.Rendition;
import org.mpp.ladder.RenditionPlanner;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaInfo;

/**
 * The renditions MPP plans for the source under the default ladder, so that the references encode exactly the same
 * sizes with exactly the same x264 settings.
 */
record Ladder(List<Rendition> renditions, int gopFrames, int fps) {
    static Ladder of(BenchEnv env, Path source) {
        Settings s = env.defaults();
        MediaInfo info = new MediaEngine(s.media()).probe(source, Cancellation.none());
        List<Rendition> r = RenditionPlanner.plan("bench", info.video().displayWidth(), info.video().displayHeight(),
                info.video().nominalFrameRate(), s.ladder());
        int fps = (int) Math.round(r.get(0).frameRate().toDouble());
        return new Ladder(r, (int) Math.max(1, Math.round(fps * s.media().gopSeconds())), fps);
    }

    /** x264's private options as org.mpp.media.VideoEncoder sets them. */
    String x264Params() {
        return "keyint=" + gopFrames + ":min-keyint=" + gopFrames + ":scenecut=0:open-gop=0";
    }

    String describe() {
        return renditions.stream().map(r -> r.width() + "x" + r.height() + "@" + r.frameRate() + " crf " + r.spec().crf() + " "
                + r.spec().preset() + " " + r.spec().profile() + " aac " + r.spec().audioBitrate() + "k").collect(Collectors.joining(", "))
                + ", GOP " + gopFrames;
    }
}
