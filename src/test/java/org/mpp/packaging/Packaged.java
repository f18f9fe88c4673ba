package org.mpp.packaging;

import java.nio.file.Path;
import java.util.List;
import org.mpp.ladder.Rendition;
import org.mpp.testmedia.SyntheticMedia;

/** A transcoded source, its renditions (the MP4 "twins", largest first) and its package folder. */
record Packaged(SyntheticMedia.Plan plan, List<Rendition> renditions, List<Path> twins, Path dir) {
    Path master() {
        return dir.resolve("master.m3u8");
    }

    Path mpd() {
        return dir.resolve("manifest.mpd");
    }

    boolean withAudio() {
        return plan.audioChannels() > 0;
    }

    Path track(String id) {
        return dir.resolve(id);
    }
}
