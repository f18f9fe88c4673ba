package org.mpp.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.media.Cancellation;
import org.mpp.media.MediaEngine;
import org.mpp.testmedia.MediaProbe;
import org.mpp.testmedia.PacketCopy;
import org.mpp.testmedia.SyntheticMedia;

/** Sources whose frame timing a conforming decoder accepts but a naive frame count does not. */
class FrameRateChangeTest {
    @TempDir
    Path dir;

    /** Issue 11 §1: 720p, 4 s at 30 fps then 4 s at 15 fps offset by 4 s, joined with the concat protocol, in MP4 with AAC. */
    static Path frameRateChangeMidFile(Path dir) throws IOException {
        Path a = SyntheticMedia.builder().size(1280, 720).fps(30).seconds(4).write(dir.resolve("a.ts"));
        Path b = SyntheticMedia.builder().size(1280, 720).fps(15).seconds(4).startTicks(60).write(dir.resolve("b.ts"));
        Path joined = dir.resolve("joined.mp4");
        PacketCopy.concatProtocol(List.of(a, b), joined);
        return joined;
    }

    @Test
    void explore() throws IOException {
        Path src = frameRateChangeMidFile(dir);
        MediaProbe.Info info = MediaProbe.probe(src);
        MediaProbe.Stream v = info.video().orElseThrow();
        System.out.println("tb " + v.tbNum() + "/" + v.tbDen() + " packets " + v.packets().size());
        for (MediaProbe.Packet p : v.packets()) {
            System.out.print(p.pts() + "/" + p.dts() + (p.key() ? "K " : " "));
        }
        System.out.println();
        LocalTranscoder t = new LocalTranscoder(new MediaEngine(LocalTranscoderTest.MEDIA), LocalTranscoderTest.LADDER, dir.resolve("work"), true);
        t.transcode(src, dir.resolve("out"), (s, f) -> { }, Cancellation.none());
    }
}
