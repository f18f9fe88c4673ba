package org.mpp.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.mpp.store.Stage;

/**
 * What a node's workers did, as Micrometer meters in Micrometer's global registry: an HTTP API in the same process serves
 * them at {@code /metrics} (the work of every node of this process, since it started). {@code mpp.segment.encode}: the
 * time each segment took to encode into every rendition (a histogram); {@code mpp.frames.encoded}: frames encoded, over
 * all renditions; {@code mpp.claims}: tasks claimed, by stage. Thread-safe.
 */
final class NodeMeters {
    private final Timer segmentEncode;
    private final Counter frames;
    private final Map<Stage, Counter> claims = new EnumMap<>(Stage.class);

    NodeMeters(MeterRegistry registry) {
        this.segmentEncode = Timer.builder("mpp.segment.encode").description("Time to encode one segment into every rendition")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(50)).maximumExpectedValue(Duration.ofMinutes(30))
                .register(registry);
        this.frames = Counter.builder("mpp.frames.encoded").description("Frames encoded, over every rendition").register(registry);
        for (Stage s : Stage.values()) {
            claims.put(s, Counter.builder("mpp.claims").description("Tasks this process's nodes claimed")
                    .tag("stage", s.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    void segmentEncoded(long nanos, long framesEncoded) {
        segmentEncode.record(Duration.ofNanos(nanos));
        frames.increment(framesEncoded);
    }

    void claimed(Stage stage) {
        claims.get(stage).increment();
    }
}
