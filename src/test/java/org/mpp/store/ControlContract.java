package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mpp.store.schema.Tables.OUTPUT;
import static org.mpp.store.schema.Tables.POLICY;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mpp.ladder.OutputSpec;

/** Policies and the output ladder as operators edit them, the allowed job moves, and migrations. */
interface ControlContract extends StoreContract {
    // ---- policies and outputs ------------------------------------------------------------------------------------

    @Test
    default void policiesStartWithTheSeedDefaults() {
        assertThat(control().policies()).isEqualTo(Policies.DEFAULTS);
        assertThat(control().policyRows()).containsOnlyKeys(ControlStore.POLICY_NAMES);
    }

    @Test
    default void aPolicySetIsReadBack() {
        control().setPolicy("nodeTimeout", "45");
        control().setPolicy("transcodeEnabled", "false");
        control().setPolicy("failureTolerance", "5");
        control().setPolicy("terminateAll", "1");

        Policies p = control().policies();
        assertThat(p.nodeTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(p.transcodeEnabled()).isFalse();
        assertThat(p.enabled(Stage.TRANSCODE)).isFalse();
        assertThat(p.enabled(Stage.INGEST)).isTrue();
        assertThat(p.failureTolerance()).isEqualTo(5);
        assertThat(p.terminateAll()).isTrue();
        assertThat(control().policyRows()).containsEntry("transcodeEnabled", "0");
    }

    @Test
    default void aPolicyRowDeletedByAnOperatorIsWrittenAgain() {
        f().dsl.deleteFrom(POLICY).where(POLICY.POLICY_.eq("nodeTimeout")).execute();
        assertThat(control().policies().nodeTimeout()).isEqualTo(Policies.DEFAULTS.nodeTimeout());

        control().setPolicy("nodeTimeout", "90");

        assertThat(control().policies().nodeTimeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    default void invalidPolicyValuesAreRefusedNamingThePolicy() {
        assertThatThrownBy(() -> control().setPolicy("nodeTimeout", "0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeTimeout");
        assertThatThrownBy(() -> control().setPolicy("failureTolerance", "three")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failureTolerance");
        assertThatThrownBy(() -> control().setPolicy("ingestEnabled", "maybe")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ingestEnabled");
        assertThatThrownBy(() -> control().setPolicy("warpSpeed", "1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("warpSpeed").hasMessageContaining("failureTolerance");
        assertThat(control().policies()).isEqualTo(Policies.DEFAULTS);
    }

    @Test
    default void aPolicyRowAnOperatorMistypedKeepsItsDefault() {
        f().dsl.update(POLICY).set(POLICY.VALUE, "lots").where(POLICY.POLICY_.eq("failureTolerance")).execute();
        f().dsl.update(POLICY).set(POLICY.VALUE, "perhaps").where(POLICY.POLICY_.eq("exportEnabled")).execute();

        assertThat(control().policies()).isEqualTo(Policies.DEFAULTS);
    }

    @Test
    default void theSeedHasTwoActiveOutputs1080pAnd720p() {
        assertThat(control().outputs()).hasSize(2).allMatch(ControlStore.OutputRow::active);
        assertThat(control().activeOutputs()).containsExactly(
                new OutputSpec(1920, 1080, 23, "superfast", "main", 60, 128),
                new OutputSpec(1280, 720, 23, "superfast", "main", 60, 128));
    }

    @Test
    default void outputsCanBeAddedChangedAndSwitchedOff() {
        long id = control().addOutput(new OutputSpec(854, 480, 26, "veryfast", "baseline", 30, 96));
        assertThat(control().activeOutputs()).hasSize(3).last()
                .isEqualTo(new OutputSpec(854, 480, 26, "veryfast", "baseline", 30, 96));

        assertThat(control().setOutput(id, new OutputSpec(640, 360, 28, "ultrafast", "baseline", 30, 64))).isTrue();
        assertThat(control().setOutputActive(control().outputs().get(0).id(), false)).isTrue();

        assertThat(control().activeOutputs()).containsExactly(
                new OutputSpec(1280, 720, 23, "superfast", "main", 60, 128),
                new OutputSpec(640, 360, 28, "ultrafast", "baseline", 30, 64));
        assertThat(control().setOutput(-1, new OutputSpec(640, 360, 28, "ultrafast", "baseline", 30, 64))).isFalse();
        assertThat(control().setOutputActive(-1, true)).isFalse();
    }

    @Test
    default void anOutputRowWithImpossibleValuesIsSkipped() {
        long first = control().outputs().get(0).id();
        f().dsl.update(OUTPUT).set(OUTPUT.CRF, 99).where(OUTPUT.OUTPUTID.eq(first)).execute();

        assertThat(control().outputs()).filteredOn(r -> r.id() == first).singleElement().satisfies(r -> assertThat(r.spec()).isNull());
        assertThat(control().activeOutputs()).extracting(OutputSpec::maxY).containsExactly(720);
    }

    // ---- status codes --------------------------------------------------------------------------------------------

    @Test
    default void theSeedsJobMovesAreAllowed() {
        int[][] allowed = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {1, 0}, {4, 3}, {4, 2}, {0, 13}, {2, 13}, {4, 13}, {13, 0}, {2, 2}};
        for (int[] m : allowed) {
            assertThat(Status.jobMoveAllowed(m[0], m[1])).as("%d -> %d", m[0], m[1]).isTrue();
            Status.requireJobMove(m[0], m[1]);
        }
    }

    @Test
    default void aForbiddenJobMoveThrowsNamingBothStates() {
        int[][] forbidden = {{5, 0}, {0, 5}, {2, 1}, {13, 5}, {3, 2}, {5, 13}};
        for (int[] m : forbidden) {
            assertThat(Status.jobMoveAllowed(m[0], m[1])).as("%d -> %d", m[0], m[1]).isFalse();
        }
        assertThatThrownBy(() -> Status.requireJobMove(Status.COMPLETE, Status.IMPORTED)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("complete (5)").hasMessageContaining("imported (0)");
        assertThatThrownBy(() -> Status.requireJobMove(Status.TRANSCODING, Status.INGESTING))
                .hasMessageContaining("transcoding (2)").hasMessageContaining("ingesting (1)");
    }

    // ---- schema --------------------------------------------------------------------------------------------------

    @Test
    default void applyingTheMigrationsTwiceChangesNothing() throws Exception {
        long before = schemaHistoryRows();

        Database.migrate(f().db.dataSource());
        try (Database again = fresh().openAnother(2)) {
            assertThat(again.dialect()).isEqualTo(f().db.dialect());
        }

        assertThat(schemaHistoryRows()).isEqualTo(before).isPositive();
        assertThat(f().dsl.fetchCount(POLICY)).isEqualTo(7);
        assertThat(f().dsl.fetchCount(OUTPUT)).isEqualTo(2);
    }
}
