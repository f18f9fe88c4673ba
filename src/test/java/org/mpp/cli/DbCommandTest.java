package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbCommandTest {
    @TempDir
    Path tmp;

    @Test
    void migrateCreatesTheEmbeddedDatabaseAndTwiceChangesNothing() throws java.io.IOException {
        CliFixture cli = new CliFixture(tmp);

        CliFixture.Run first = cli.run("db", "migrate");
        CliFixture.Run second = cli.run("db", "migrate");

        assertThat(first.exit()).isZero();
        assertThat(first.out().strip()).startsWith("Schema version " + latestMigration() + " (jdbc:h2:file:").endsWith("/db/mpp)");
        assertThat(second.exit()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(cli.work().resolve("db")).isDirectory();
        assertThat(cli.run("outputs", "--json").json()).hasSize(2);
    }

    @Test
    void dbWithoutASubcommandIsAUsageError() {
        CliFixture.Run r = new CliFixture(tmp).run("db");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("migrate");
    }

    /** The newest migration in schema/: the version a freshly migrated database must report. */
    static String latestMigration() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("schema"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max(Integer::compare).orElseThrow().toString();
        }
    }
}
