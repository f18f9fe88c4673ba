package org.mpp.store;

/**
 * The store contract on MariaDB (a fresh database on the server of {@code MPP_TEST_DB_URL}). Skipped when no server
 * answers, except in CI ({@code CI=true}) or with {@code -Dmpp.test.require-mariadb=true}, where it fails instead.
 */
class MariaDbStoreTest extends StoreContractTest {
    @Override
    TestDatabases.Fresh freshDatabase() {
        return TestDatabases.mariaDb();
    }

    @Override
    public int concurrentTasks() {
        return 500;
    }
}
