package org.mpp.store;

/** The store contract on the embedded H2 database (MySQL mode), the default of a single machine. */
class H2StoreTest extends StoreContractTest {
    @Override
    TestDatabases.Fresh freshDatabase() {
        return TestDatabases.h2();
    }

    @Override
    public boolean claimLocksOnlyTheRowsItTakes() {
        return false;
    }

    @Override
    public int concurrentTasks() {
        return 500;
    }
}
