package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class TestDatabasesTest {
    @Test
    void aDatabaseNameReplacesThePathOfTheServerUrlAndKeepsItsParameters() {
        assertThat(TestDatabases.databaseUrl("jdbc:mysql://127.0.0.1:3306/", "mpp_test_1"))
                .isEqualTo("jdbc:mysql://127.0.0.1:3306/mpp_test_1");
        assertThat(TestDatabases.databaseUrl("jdbc:mysql://db:3306", "t")).isEqualTo("jdbc:mysql://db:3306/t");
        assertThat(TestDatabases.databaseUrl("jdbc:mysql://db/old?useSSL=false&a=b", "t"))
                .isEqualTo("jdbc:mysql://db/t?useSSL=false&a=b");
    }

    @Test
    void aFreshH2DatabaseIsReachableFromItsCoordinatesAndGoneWhenClosed() throws Exception {
        Path folder;
        try (TestDatabases.Fresh fresh = TestDatabases.h2()) {
            folder = fresh.folder().orElseThrow();
            fresh.open();
            assertThat(policyRows(fresh)).isEqualTo(7);
            assertThat(fresh.url()).isEqualTo(Database.embeddedUrl(folder));
        }
        assertThat(Files.exists(folder)).isFalse();
    }

    @Test
    void aFreshMariaDbDatabaseIsEmptyUntilOpenedAndDroppedWhenClosed() throws Exception {
        String url;
        try (TestDatabases.Fresh fresh = TestDatabases.mariaDb()) {
            url = fresh.url();
            assertThat(url).matches(".*/mpp_test_[0-9a-f]{16}(\\?.*)?");
            assertThat(fresh.folder()).isEmpty();
            assertThat(tables(fresh)).isZero();
            fresh.open();
            assertThat(policyRows(fresh)).isEqualTo(7);
        }
        String name = url.replaceAll(".*/(mpp_test_[0-9a-f]+).*", "$1");
        try (Connection c = DriverManager.getConnection(TestDatabases.serverUrl(), "root", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + name + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("schemas named %s", name).isZero();
        }
    }

    /** What a second JVM would do: plain JDBC with the coordinates alone. */
    private static int policyRows(TestDatabases.Fresh fresh) throws Exception {
        try (Connection c = DriverManager.getConnection(fresh.url(), fresh.user(), fresh.password());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM policy")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int tables(TestDatabases.Fresh fresh) throws Exception {
        try (Connection c = DriverManager.getConnection(fresh.url(), fresh.user(), fresh.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
