package org.mpp.store;

import static org.mpp.store.schema.Tables.OUTPUT;
import static org.mpp.store.schema.Tables.POLICY;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.mpp.ladder.OutputSpec;
import org.mpp.store.schema.tables.records.OutputRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Policies and the output ladder: the settings operators change live by editing rows. Thread-safe. */
public final class ControlStore {
    private static final Logger log = LoggerFactory.getLogger(ControlStore.class);
    public static final Set<String> POLICY_NAMES = Set.of("ingestEnabled", "transcodeEnabled", "exportEnabled", "terminateAll",
            "nodeTimeout", "verifyDuringIngest", "failureTolerance");
    private final DSLContext dsl;

    public ControlStore(Database db) {
        this.dsl = db.dsl();
    }

    /** One row of the ladder. */
    public record OutputRow(long id, boolean active, OutputSpec spec) {
    }

    /**
     * Reads the policies by name; a missing or unreadable row keeps its default (and is logged), so a typo never stops
     * a node. A row's {@code value_type} is not consulted: the seed's 'boolean'/'integer' and the 'bool'/'int' of
     * earlier MPP versions read alike.
     */
    public Policies policies() {
        Map<String, String> rows = dsl.select(POLICY.POLICY_, POLICY.VALUE).from(POLICY).fetchMap(POLICY.POLICY_, POLICY.VALUE);
        Policies d = Policies.DEFAULTS;
        return new Policies(bool(rows, "ingestEnabled", d.ingestEnabled()), bool(rows, "transcodeEnabled", d.transcodeEnabled()),
                bool(rows, "exportEnabled", d.exportEnabled()), bool(rows, "terminateAll", d.terminateAll()),
                Duration.ofSeconds(integer(rows, "nodeTimeout", (int) d.nodeTimeout().toSeconds(), 1)),
                bool(rows, "verifyDuringIngest", d.verifyDuringIngest()), integer(rows, "failureTolerance", d.failureTolerance(), 1));
    }

    public Map<String, String> policyRows() {
        return dsl.select(POLICY.POLICY_, POLICY.VALUE).from(POLICY).orderBy(POLICY.POLICYID).fetchMap(POLICY.POLICY_, POLICY.VALUE);
    }

    /** Sets a known policy after checking its value's type. */
    public void setPolicy(String name, String value) {
        if (!POLICY_NAMES.contains(name)) {
            throw new IllegalArgumentException("Unknown policy " + name + "; known: " + POLICY_NAMES.stream().sorted().collect(Collectors.joining(", ")));
        }
        boolean isInt = name.equals("nodeTimeout") || name.equals("failureTolerance");
        if (isInt ? !value.matches("[1-9][0-9]{0,8}") : !value.matches("[01]|true|false")) {
            throw new IllegalArgumentException("Policy " + name + " takes " + (isInt ? "a whole number of 1 or more" : "1 or 0") + ", not " + value);
        }
        String v = value.equals("true") ? "1" : value.equals("false") ? "0" : value;
        int n = dsl.update(POLICY).set(POLICY.VALUE, v).where(POLICY.POLICY_.eq(name)).execute();
        if (n == 0) {
            // The seed's words: its interface shows 'boolean' as a switch and 'integer' as a number field. Reading never
            // looks at the type (rows written by MPP before V5 said 'bool' and 'int'; V5 rewrote them).
            dsl.insertInto(POLICY).set(POLICY.POLICY_, name).set(POLICY.VALUE, v).set(POLICY.VALUE_TYPE, isInt ? "integer" : "boolean")
                    .execute();
        }
    }

    /** The active outputs as specs; rows with impossible values are skipped and logged. */
    public List<OutputSpec> activeOutputs() {
        List<OutputSpec> out = new ArrayList<>();
        for (OutputRow r : outputs()) {
            if (r.active() && r.spec() != null) {
                out.add(r.spec());
            }
        }
        return out;
    }

    /** Every row of the ladder; {@code spec} is null for a row whose values are out of range. */
    public List<OutputRow> outputs() {
        return dsl.selectFrom(OUTPUT).orderBy(OUTPUT.OUTPUTID).fetch(ControlStore::row);
    }

    /** Adds an active output; returns its id. */
    public long addOutput(OutputSpec s) {
        // Not INSERT ... RETURNING: jOOQ renders it natively for MariaDB, and Connector/J refuses to run an INSERT
        // as a query. LAST_INSERT_ID() is per connection, so it runs in the insert's transaction (H2 knows it in
        // MySQL mode).
        return Sql.tx(dsl, tx -> {
            tx.insertInto(OUTPUT).set(OUTPUT.ACTIVE, true).set(OUTPUT.MAXX, s.maxX()).set(OUTPUT.MAXY, s.maxY())
                    .set(OUTPUT.CRF, s.crf()).set(OUTPUT.PRESET, s.preset()).set(OUTPUT.PROFILE, s.profile())
                    .set(OUTPUT.MAXFRAMERATE, s.maxFramerate()).set(OUTPUT.AUDIOBITRATE, s.audioBitrate()).execute();
            return tx.select(org.jooq.impl.DSL.field("LAST_INSERT_ID()", Long.class)).fetchOne(0, Long.class);
        });
    }

    /** Replaces an output's settings; false when there is no such row. */
    public boolean setOutput(long id, OutputSpec s) {
        return dsl.update(OUTPUT).set(OUTPUT.MAXX, s.maxX()).set(OUTPUT.MAXY, s.maxY()).set(OUTPUT.CRF, s.crf())
                .set(OUTPUT.PRESET, s.preset()).set(OUTPUT.PROFILE, s.profile()).set(OUTPUT.MAXFRAMERATE, s.maxFramerate())
                .set(OUTPUT.AUDIOBITRATE, s.audioBitrate()).where(OUTPUT.OUTPUTID.eq(id)).execute() == 1;
    }

    public boolean setOutputActive(long id, boolean active) {
        return dsl.update(OUTPUT).set(OUTPUT.ACTIVE, active).where(OUTPUT.OUTPUTID.eq(id)).execute() == 1;
    }

    private static OutputRow row(OutputRecord r) {
        OutputSpec spec;
        try {
            spec = new OutputSpec(r.getMaxx(), r.getMaxy(), r.getCrf(), r.getPreset(), r.getProfile(), r.getMaxframerate(), r.getAudiobitrate());
        } catch (IllegalArgumentException e) {
            log.warn("Output row {} is ignored: {}", r.getOutputid(), e.getMessage());
            spec = null;
        }
        return new OutputRow(r.getOutputid(), Boolean.TRUE.equals(r.getActive()), spec);
    }

    private static boolean bool(Map<String, String> rows, String name, boolean fallback) {
        String v = rows.get(name);
        if (v == null) {
            return fallback;
        }
        switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on":
                return true;
            case "0", "false", "no", "off":
                return false;
            default:
                log.warn("Policy {} = '{}' is not a boolean; using {}", name, v, fallback);
                return fallback;
        }
    }

    private static int integer(Map<String, String> rows, String name, int fallback, int min) {
        String v = rows.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= min) {
                return i;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        log.warn("Policy {} = '{}' is not a whole number of {} or more; using {}", name, v, min, fallback);
        return fallback;
    }
}
