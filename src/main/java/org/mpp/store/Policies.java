package org.mpp.store;

import java.time.Duration;

/**
 * The live policies (rows of {@code policy}), re-read by nodes while they run.
 *
 * @param nodeTimeout how long a node may stay silent before it is purged
 * @param failureTolerance how many failures of one task fail its job
 */
public record Policies(boolean ingestEnabled, boolean transcodeEnabled, boolean exportEnabled, boolean terminateAll,
        Duration nodeTimeout, boolean verifyDuringIngest, int failureTolerance) {

    /** The seed's defaults, used for a row that is missing or unreadable. */
    public static final Policies DEFAULTS = new Policies(true, true, true, false, Duration.ofSeconds(30), true, 3);

    public boolean enabled(Stage stage) {
        return switch (stage) {
            case INGEST -> ingestEnabled;
            case TRANSCODE -> transcodeEnabled;
            case EXPORT -> exportEnabled;
        };
    }
}
