package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.ControlStore;
import org.mpp.store.Policies;

class PolicyCommandTest {
    @TempDir
    Path tmp;
    CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(tmp);
    }

    private Policies policies() {
        return cli.db(db -> new ControlStore(db).policies());
    }

    @Test
    void policyListsTheSeedPolicies() {
        CliFixture.Run r = cli.run("policy");

        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().map(l -> List.of(l.split("\\s+")))).contains(List.of("POLICY", "VALUE"),
                List.of("failureTolerance", "3"), List.of("nodeTimeout", "30"), List.of("terminateAll", "0"));
        assertThat(cli.run("policy", "--json").json().get("ingestEnabled").asText()).isEqualTo("1");
    }

    @Test
    void setChangesAPolicy() {
        CliFixture.Run r = cli.run("policy", "set", "failureTolerance", "5");
        CliFixture.Run off = cli.run("policy", "set", "exportEnabled", "false");

        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("Policy failureTolerance = 5");
        assertThat(off.out().strip()).isEqualTo("Policy exportEnabled = 0");
        assertThat(policies().failureTolerance()).isEqualTo(5);
        assertThat(policies().exportEnabled()).isFalse();
    }

    @Test
    void anUnknownPolicyOrABadValueIsAUsageError() {
        CliFixture.Run unknown = cli.run("policy", "set", "turboMode", "1");
        CliFixture.Run bad = cli.run("policy", "set", "nodeTimeout", "soon");

        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("Unknown policy turboMode; known: ");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("Policy nodeTimeout takes a whole number of 1 or more, not soon");
        assertThat(policies().nodeTimeout()).hasSeconds(30);
    }
}
