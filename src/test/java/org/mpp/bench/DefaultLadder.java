package org.mpp.bench;

import java.util.ArrayList;
import java.util.List;
import org.mpp.ladder.OutputSpec;
import org.mpp.store.ControlStore;
import org.mpp.store.Database;

/**
 * Puts reference.conf's default ladder (1080p, 720p, 480p) into a database's {@code output} table. A new database is
 * seeded by schema/V1__seed.sql with the seed's two outputs only (1080p and 720p), so a node on a fresh database would
 * otherwise encode two renditions, not the ladder the benchmark's targets speak of.
 */
final class DefaultLadder {
    private DefaultLadder() {
    }

    /** Leaves exactly {@code ladder} active: rows not in it are deactivated, missing rungs are added. */
    static void install(Database db, List<OutputSpec> ladder) {
        ControlStore control = new ControlStore(db);
        List<OutputSpec> missing = new ArrayList<>(ladder);
        for (ControlStore.OutputRow row : control.outputs()) {
            if (row.active() && !missing.remove(row.spec())) {
                control.setOutputActive(row.id(), false);
            }
        }
        missing.forEach(control::addOutput);
    }
}
