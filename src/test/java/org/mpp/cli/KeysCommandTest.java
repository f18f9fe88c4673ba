package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.ApiKeyStore;

class KeysCommandTest {
    @TempDir
    Path tmp;
    CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(tmp);
    }

    @Test
    void aNewDatabaseHasNoKeyAtAll() {
        CliFixture.Run r = cli.run("keys");

        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("No API keys. Create one with: mpp keys create NAME");
    }

    @Test
    void createPrintsAKeyOnceThatVerifiesAndListShowsOnlyItsName() {
        CliFixture.Run r = cli.run("keys", "create", "encoder-farm");

        assertThat(r.exit()).as(r.err()).isZero();
        String key = r.out().strip();
        assertThat(key).matches("mpp_[A-Za-z0-9_-]{43}");
        assertThat(cli.<String>db(db -> new ApiKeyStore(db).verify(key))).isEqualTo("encoder-farm");
        CliFixture.Run list = cli.run("keys", "list");
        assertThat(list.out()).contains("encoder-farm").doesNotContain(key);
        assertThat(cli.run("keys", "create", "encoder-farm").exit()).isEqualTo(2);
    }

    @Test
    void revokeStopsTheKeyAtOnce() {
        String key = cli.run("keys", "create", "ci").out().strip();

        CliFixture.Run r = cli.run("keys", "revoke", "ci");

        assertThat(r.exit()).isZero();
        assertThat(cli.<String>db(db -> new ApiKeyStore(db).verify(key))).isNull();
        assertThat(cli.run("keys", "list", "--json").json().get(0).get("revoked").isNull()).isFalse();
        assertThat(cli.run("keys", "revoke", "ci").exit()).isEqualTo(1);
    }
}
