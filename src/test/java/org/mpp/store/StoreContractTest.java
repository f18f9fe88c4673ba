package org.mpp.store;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * What every database MPP supports must do for the store: claims and fencing, leases and recovery, failure counting,
 * the stage flow, job steering, policies and outputs, and many nodes at once. The tests live in one interface per
 * topic; a subclass names the database. One fresh database serves a whole class and is put back to its migrated
 * state before each test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContractTest implements ClaimContract, LeaseContract, FailureContract, StageFlowContract, JobContract,
        ControlContract, ConcurrencyContract, SeedInterfaceContract, UserContract, BadRowContract, ClockContract,
        PipelinedIngestContract {
    private final UUID nodeA = UUID.randomUUID();
    private final UUID nodeB = UUID.randomUUID();
    private TestDatabases.Fresh fresh;
    private StoreFixture fixture;

    /** A fresh database of the kind under test. */
    abstract TestDatabases.Fresh freshDatabase();

    @Override
    public boolean claimLocksOnlyTheRowsItTakes() {
        return true;
    }

    @BeforeAll
    void openDatabase() {
        fresh = freshDatabase();
        fixture = new StoreFixture(fresh.open());
    }

    @AfterAll
    void dropDatabase() {
        if (fresh != null) {
            fresh.close();
        }
    }

    @BeforeEach
    void startEmpty() {
        fixture.reset();
    }

    @Override
    public StoreFixture f() {
        return fixture;
    }

    @Override
    public TestDatabases.Fresh fresh() {
        return fresh;
    }

    @Override
    public UUID nodeA() {
        return nodeA;
    }

    @Override
    public UUID nodeB() {
        return nodeB;
    }
}
