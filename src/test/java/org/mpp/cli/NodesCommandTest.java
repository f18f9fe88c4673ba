package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.NodeStore;
import org.mpp.store.NodeStore.NodeView;

class NodesCommandTest {
    @TempDir
    Path tmp;
    CliFixture cli;
    UUID node = UUID.randomUUID();

    @BeforeEach
    void registerANode() {
        cli = new CliFixture(tmp);
        cli.db(db -> {
            new NodeStore(db).register(node, "encoder-1", "ingest=1,transcode=4,export=1", "1.0");
            return null;
        });
    }

    private NodeView theNode() {
        return cli.db(db -> new NodeStore(db).list()).get(0);
    }

    @Test
    void nodesListsTheRegisteredNodes() {
        CliFixture.Run r = cli.run("nodes");

        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).hasSize(2);
        assertThat(r.out().lines().findFirst()).hasValueSatisfying(h -> assertThat(h).startsWith("ID  UUID"));
        assertThat(r.out()).contains(node.toString(), "encoder-1", "ingest=1,transcode=4,export=1");
    }

    @Test
    void nodesJsonCarriesTheControlFlags() {
        JsonNode n = cli.run("nodes", "--json").json().get(0);

        assertThat(n.get("id").asLong()).isEqualTo(1);
        assertThat(n.get("uuid").asText()).isEqualTo(node.toString());
        assertThat(n.get("hostname").asText()).isEqualTo("encoder-1");
        assertThat(n.get("authorised").asBoolean()).isTrue();
        assertThat(n.get("terminate").asBoolean()).isFalse();
        assertThat(n.get("lastSeen").asText()).isNotBlank();
    }

    @Test
    void deauthoriseThenAuthoriseByNumberOrUuid() {
        assertThat(cli.run("nodes", "deauthorise", "1").exit()).isZero();
        assertThat(theNode().authorised()).isFalse();

        CliFixture.Run r = cli.run("nodes", "authorise", node.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("Authorised node " + node);
        assertThat(theNode().authorised()).isTrue();
    }

    @Test
    void terminateAsksTheNodeToStop() {
        assertThat(cli.run("nodes", "terminate", "1").exit()).isZero();

        assertThat(theNode().terminate()).isTrue();
        assertThat(cli.run("status", "--json").json().get("nodes").get(0).get("terminate").asBoolean()).isTrue();
    }

    @Test
    void anUnknownNodeIsExitOne() {
        CliFixture.Run r = cli.run("nodes", "terminate", "7");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("FAILED: no node 7 (give its number or UUID as mpp nodes shows them)");
        assertThat(theNode().terminate()).isFalse();
    }
}
