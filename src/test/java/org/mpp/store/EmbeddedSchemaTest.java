package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a new embedded database gets its schema from {@value EmbeddedSchema#SCRIPT} instead of Flyway, and one
 * already up to date is not handed to Flyway again. The script must stay what the migrations make: when a migration is
 * added or H2 upgraded, this test fails and says how to write it again.
 */
class EmbeddedSchemaTest {
    /** Run the build's tests with this set to true to write the script anew from the migrations. */
    private static final String WRITE = "mpp.write-embedded-schema";

    @TempDir
    Path dir;

    @Test
    void theScriptIsWhatTheMigrationsMake() throws Exception {
        String made = scriptOfMigratedDatabase(dir.resolve("flyway"));
        if (Boolean.getBoolean(WRITE)) {
            Files.writeString(Path.of("src/main/resources").resolve(EmbeddedSchema.SCRIPT), made, StandardCharsets.UTF_8);
        }

        assertThat(resource()).as("src/main/resources/%s against schema/: write it again with mvn test -Dtest=EmbeddedSchemaTest -D%s=true",
                EmbeddedSchema.SCRIPT, WRITE).isEqualTo(made);
    }

    @Test
    void itsVersionIsTheNewestMigrations() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("schema"))) {
            int newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
            assertThat(EmbeddedSchema.VERSION).isEqualTo(Integer.toString(newest));
        }
    }

    @Test
    void aNewEmbeddedDatabaseGetsTheScriptAndFlywayFindsItUpToDate() throws SQLException, IOException {
        try (Database db = Database.open(EmbeddedDatabaseTest.embedded(), dir)) {
            assertThat(executionTimes(db)).as("history rows written by the script (Flyway times its own)").hasSize(8).containsOnly(0);
            Flyway flyway = Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration").load();
            flyway.validate();
            assertThat(flyway.info().pending()).isEmpty();
            assertThat(db.schemaVersion()).isEqualTo(EmbeddedSchema.VERSION);
            assertThat(db.dsl().fetchValue("SELECT COUNT(*) FROM output")).as("the seed ladder's rungs").isEqualTo(2L);
            assertThat(scriptOf(db.dataSource())).as("the schema and rows the script made").isEqualTo(resource());
        }
        try (Database again = Database.open(EmbeddedDatabaseTest.embedded(), dir)) {
            assertThat(executionTimes(again)).as("history after opening it again").hasSize(8).containsOnly(0);
        }
    }

    @Test
    void anOlderEmbeddedDatabaseIsStillMigratedByFlyway() throws SQLException {
        // Made by an MPP of migration 5, before the password file existed.
        String url = Database.embeddedUrl(dir); // First: Database keeps H2's auto-server on loopback, which H2 reads as it loads.
        JdbcDataSource old = new JdbcDataSource();
        old.setURL(url);
        old.setUser("");
        old.setPassword("");
        Flyway.configure().dataSource(old).locations("classpath:db/migration").target("5").load().migrate();

        try (Database db = Database.open(EmbeddedDatabaseTest.embedded(), dir)) {
            assertThat(db.schemaVersion()).isEqualTo("7");
            assertThat(db.dsl().fetchValue("SELECT COUNT(*) FROM webhookevent")).isEqualTo(0L);
            assertThat(executionTimes(db)).as("history").hasSize(8);
        }
    }

    @Test
    void twoOpeningANewDatabaseAtOnceBothFindItReady() throws Exception {
        List<CompletableFuture<String>> opens = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            opens.add(CompletableFuture.supplyAsync(() -> {
                try (Database db = Database.open(EmbeddedDatabaseTest.embedded(), dir)) {
                    return db.schemaVersion();
                }
            }));
        }

        for (CompletableFuture<String> open : opens) {
            assertThat(open.get()).isEqualTo(EmbeddedSchema.VERSION);
        }
    }

    private static List<Integer> executionTimes(Database db) {
        return db.dsl().fetch("SELECT execution_time FROM flyway_schema_history ORDER BY installed_rank").getValues(0, Integer.class);
    }

    private static String resource() throws IOException {
        try (InputStream in = EmbeddedSchema.class.getClassLoader().getResourceAsStream(EmbeddedSchema.SCRIPT)) {
            return in == null ? "(missing)" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The H2 script of a database Flyway migrated, as {@link EmbeddedSchema} runs it: no user (the work folder's secret
     * is the password), no settings, and history rows timed 0 ms at the moment the script runs.
     */
    static String scriptOfMigratedDatabase(Path folder) throws SQLException {
        String url = Database.embeddedUrl(folder); // First: Database keeps H2's auto-server on loopback, which H2 reads as it loads.
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("");
        ds.setPassword("generating the script");
        Database.migrate(ds);
        return scriptOf(ds);
    }

    /** The H2 script of the database {@code ds} opens, as {@link #scriptOfMigratedDatabase} describes it. */
    static String scriptOf(DataSource ds) throws SQLException {
        StringBuilder out = new StringBuilder("-- Generated by EmbeddedSchemaTest from the migrations in schema/; do not edit (see EmbeddedSchema).\n");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SCRIPT NOPASSWORDS NOSETTINGS")) {
            while (r.next()) {
                String statement = r.getString(1);
                if (statement.startsWith("CREATE USER") || statement.startsWith("-- H2 ")) {
                    continue;
                }
                if (statement.startsWith("INSERT INTO \"public\".\"flyway_schema_history\"")) {
                    statement = statement.replaceAll("TIMESTAMP '[^']*', \\d+, (TRUE|FALSE)\\)", "CURRENT_TIMESTAMP, 0, $1)");
                }
                out.append(statement).append('\n');
            }
        }
        return out.toString();
    }
}
