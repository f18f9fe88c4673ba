package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The webhook outbox is written in the transaction of the job's status change: it commits and rolls back with it. */
class OutboxTest {
    private TestDatabases.Fresh fresh;

    @AfterEach
    void tearDown() {
        if (fresh != null) {
            fresh.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void anEventIsNotWrittenWhenTheStatusChangesTransactionRollsBack(TestDatabases.Kind kind) {
        fresh = TestDatabases.fresh(kind);
        Database db = fresh.open();
        JobStore jobs = new JobStore(db);
        WebhookStore events = new WebhookStore(db);
        UUID job = jobs.submit("a.mp4", 0);

        assertThatThrownBy(() -> Sql.tx(db.dsl(), tx -> {
            TaskStore.failJob(tx, job, "about to roll back");
            assertThat(tx.fetchCount(org.mpp.store.schema.Tables.WEBHOOKEVENT)).as("written inside the transaction").isEqualTo(1);
            throw new IllegalStateException("something later in the transaction failed");
        })).hasMessageContaining("something later");

        assertThat(jobs.job(job).orElseThrow().status()).isEqualTo(Status.IMPORTED);
        assertThat(events.eventsOf(job)).as("no event for a change that rolled back").isEmpty();
        assertThat(events.recent(10)).isEmpty();

        jobs.fail(job, "really broken");
        assertThat(events.eventsOf(job)).containsExactly("job.failed");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void theFailedEventCarriesTheJobAsItWasWithItsReason(TestDatabases.Kind kind) throws Exception {
        fresh = TestDatabases.fresh(kind);
        Database db = fresh.open();
        JobStore jobs = new JobStore(db);
        UUID job = jobs.submit("clip one.mp4", 0, "https://example.test/cb?token=t");
        jobs.fail(job, "unreadable");

        var row = db.dsl().selectFrom(org.mpp.store.schema.Tables.WEBHOOKEVENT).fetchSingle();
        var payload = new ObjectMapper().readTree(row.getPayload());
        assertThat(row.getEvent()).isEqualTo("job.failed");
        assertThat(row.getCallbackurl()).isEqualTo("https://example.test/cb?token=t");
        assertThat(payload.get("uuid").asText()).isEqualTo(job.toString());
        assertThat(payload.get("id").asLong()).isEqualTo(jobs.job(job).orElseThrow().id());
        assertThat(payload.get("sourceName").asText()).isEqualTo("clip one.mp4");
        assertThat(payload.get("status").get("code").asInt()).isEqualTo(Status.FAILED);
        assertThat(payload.get("status").get("name").asText()).isEqualTo("failed");
        assertThat(payload.get("failureReason").asText()).isEqualTo("unreadable");
        assertThat(payload.get("dateAdded").isTextual()).isTrue();
        assertThat(payload.get("files").isArray()).isTrue();
    }
}
