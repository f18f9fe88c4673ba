package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.UserStore;

class UsersCommandTest {
    @TempDir
    Path tmp;
    CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(tmp);
    }

    private boolean verifies(String name, String password) {
        return cli.db(db -> new UserStore(db).verify(name, password.toCharArray()));
    }

    @Test
    void aNewDatabaseHasNoLoginAtAll() {
        CliFixture.Run r = cli.run("users");

        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("No logins. Add one with: mpp users add NAME");
        assertThat(cli.run("users", "list", "--json").json().isEmpty()).isTrue();
    }

    @Test
    void addReadsThePasswordFromStandardInputAndTheLoginVerifies() {
        CliFixture.Run r = cli.runWithInput("s3cret words\n", "users", "add", "operator", "--password-stdin");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("Added login operator");
        assertThat(verifies("operator", "s3cret words")).isTrue();
        assertThat(cli.run("users", "list").out().lines().map(String::strip)).containsExactly("ID  NAME", "1   operator");
        assertThat(cli.run("users", "--json").json().get(0).get("name").asText()).isEqualTo("operator");
    }

    @Test
    void passwdChangesThePasswordAndDeleteRemovesTheLogin() {
        cli.runWithInput("first password\r\n", "users", "add", "operator", "--password-stdin");

        CliFixture.Run passwd = cli.runWithInput("second password\n", "users", "passwd", "operator", "--password-stdin");
        assertThat(passwd.exit()).isZero();
        assertThat(passwd.out().strip()).isEqualTo("Changed the password of operator");
        assertThat(verifies("operator", "first password")).isFalse();
        assertThat(verifies("operator", "second password")).isTrue();

        CliFixture.Run delete = cli.run("users", "delete", "operator");
        assertThat(delete.exit()).isZero();
        assertThat(delete.out().strip()).isEqualTo("Deleted login operator");
        assertThat(cli.run("users", "delete", "operator").exit()).isEqualTo(1);
        assertThat(cli.runWithInput("third password\n", "users", "passwd", "operator", "--password-stdin").exit()).isEqualTo(1);
    }

    @Test
    void thePasswordIsNeverAnArgument() {
        CliFixture.Run asArgument = cli.run("users", "add", "operator", "hunter22hunter22");
        CliFixture.Run asOption = cli.run("users", "add", "operator", "--password", "hunter22hunter22");

        assertThat(asArgument.exit()).isEqualTo(2);
        assertThat(asOption.exit()).isEqualTo(2);
        assertThat(cli.run("users", "list").out().strip()).startsWith("No logins");
    }

    @Test
    void withoutATerminalOrStandardInputNothingIsAdded() {
        // Tests have no console: the prompt cannot be shown, and the command says how to pipe the password in.
        CliFixture.Run prompt = cli.run("users", "add", "operator");
        CliFixture.Run empty = cli.runWithInput("", "users", "add", "operator", "--password-stdin");
        CliFixture.Run weak = cli.runWithInput("short\n", "users", "add", "operator", "--password-stdin");

        assertThat(prompt.exit()).isEqualTo(2);
        assertThat(prompt.err()).contains("--password-stdin");
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(weak.exit()).isEqualTo(2);
        assertThat(weak.err()).contains("at least 8");
        assertThat(cli.run("users", "list").out().strip()).startsWith("No logins");
    }
}
