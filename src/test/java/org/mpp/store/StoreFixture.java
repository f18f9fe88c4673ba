package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mpp.store.schema.Tables.EXPORTJOB;
import static org.mpp.store.schema.Tables.INGESTJOB;
import static org.mpp.store.schema.Tables.INTERFACE;
import static org.mpp.store.schema.Tables.JOB;
import static org.mpp.store.schema.Tables.NODE;
import static org.mpp.store.schema.Tables.OUTPUT;
import static org.mpp.store.schema.Tables.POLICY;
import static org.mpp.store.schema.Tables.TRANSCODEJOB;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.UpdatableRecord;
import org.jooq.impl.DSL;
import org.mpp.store.Stage.Columns;

/**
 * Ready-made store objects for tests: stores on one database, jobs at a given stage ({@code aJob().withSegments(3)
 * .create()}), reads of task rows, and the database's clock. Also puts the database back to its freshly migrated
 * state between tests.
 */
final class StoreFixture {
    static final Duration LEASE = Duration.ofMinutes(5);

    final Database db;
    final DSLContext dsl;
    final TaskStore tasks;
    final JobStore jobs;
    final NodeStore nodes;
    final ControlStore control;
    /** The node the fixture claims with when a test does not care which node holds a task. */
    final UUID fixtureNode = UUID.randomUUID();
    private final Result<? extends UpdatableRecord<?>> seedPolicies;
    private final Result<? extends UpdatableRecord<?>> seedOutputs;

    StoreFixture(Database db) {
        this.db = db;
        this.dsl = db.dsl();
        this.tasks = new TaskStore(db);
        this.jobs = new JobStore(db);
        this.nodes = new NodeStore(db);
        this.control = new ControlStore(db);
        this.seedPolicies = dsl.selectFrom(POLICY).fetch();
        this.seedOutputs = dsl.selectFrom(OUTPUT).fetch();
    }

    /** Empties the job, task, node and login tables and restores the seed's policies and outputs. */
    void reset() {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            for (var table : List.of(EXPORTJOB, TRANSCODEJOB, INGESTJOB, JOB, NODE, POLICY, OUTPUT, INTERFACE)) {
                tx.deleteFrom(table).execute();
            }
            for (var rows : List.of(seedPolicies, seedOutputs)) {
                for (UpdatableRecord<?> seed : rows) {
                    UpdatableRecord<?> copy = tx.newRecord(seed.getTable(), seed);
                    copy.changed(true);
                    tx.insertInto(seed.getTable()).set(copy).execute();
                }
            }
        });
    }

    JobBuilder aJob() {
        return new JobBuilder();
    }

    /** Builds a job through the store's own front doors, up to the stage asked for. */
    final class JobBuilder {
        private String source = "clip.mp4";
        private int priority;
        private int segments = -1;
        private boolean transcoded;

        JobBuilder named(String sourceName) {
            this.source = sourceName;
            return this;
        }

        JobBuilder withPriority(int p) {
            this.priority = p;
            return this;
        }

        /** Ingested: {@code n} transcode tasks ready, job transcoding (2). */
        JobBuilder withSegments(int n) {
            this.segments = n;
            return this;
        }

        /** Every segment encoded: export queued, job transcoded (3). */
        JobBuilder transcoded() {
            this.transcoded = true;
            return this;
        }

        UUID create() {
            UUID job = jobs.submit(source, priority);
            if (segments < 0 && !transcoded) {
                return job;
            }
            ingest(job, Math.max(segments, 1));
            if (transcoded) {
                for (Claim c : claimAll(Stage.TRANSCODE, job)) {
                    tasks.completeTranscode(c);
                }
                assertThat(jobStatus(job)).isEqualTo(Status.TRANSCODED);
            }
            return job;
        }
    }

    /** Ingests {@code job} into {@code n} segments; other ready ingest tasks are released untouched. */
    void ingest(UUID job, int n) {
        Claim mine = claimAll(Stage.INGEST, job).get(0);
        List<String> segments = IntStream.range(0, n).mapToObj(i -> "{\"part\":" + i + "}").toList();
        tasks.completeIngest(mine, "{\"duration\":" + (10 * n) + "}", segments);
    }

    /** Claims every ready task of a stage, keeps those of {@code job} and releases the others. */
    List<Claim> claimAll(Stage stage, UUID job) {
        List<Claim> mine = new ArrayList<>();
        for (Claim c : tasks.claim(stage, fixtureNode, 1000, LEASE)) {
            if (c.job().equals(job)) {
                mine.add(c);
            } else {
                tasks.release(c);
            }
        }
        assertThat(mine).as("ready %s tasks of job %s", stage, job).isNotEmpty();
        return mine;
    }

    /** Claims exactly one task of a stage for {@code node}. */
    Claim claimOne(Stage stage, UUID node) {
        return claimOne(stage, node, LEASE);
    }

    Claim claimOne(Stage stage, UUID node, Duration lease) {
        List<Claim> claims = tasks.claim(stage, node, 1, lease);
        assertThat(claims).as("one ready %s task", stage).hasSize(1);
        return claims.get(0);
    }

    int jobStatus(UUID job) {
        return jobs.job(job).orElseThrow().status();
    }

    Record jobRow(UUID job) {
        return dsl.selectFrom(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(job))).fetchOne();
    }

    /** The row of a task: status, failures, attempt, node, availableAt, leaseUntil, lastError... */
    Record task(Stage stage, long id) {
        Columns t = stage.t;
        return dsl.select(t.status(), t.failures(), t.attempt(), t.node(), t.availableAt(), t.leaseUntil(), t.lastError(),
                t.paused(), t.priority(), t.progress()).from(t.table()).where(t.id().eq(id)).fetchOne();
    }

    int taskStatus(Stage stage, long id) {
        return task(stage, id).get(stage.t.status());
    }

    List<Integer> taskStatuses(Stage stage, UUID job) {
        Columns t = stage.t;
        return dsl.select(t.status()).from(t.table()).where(t.job().eq(Uuids.bytes(job))).orderBy(t.id()).fetch(t.status());
    }

    int count(Stage stage, UUID job) {
        return dsl.fetchCount(stage.t.table(), stage.t.job().eq(Uuids.bytes(job)));
    }

    /** Lets a task that failed be claimed at once instead of after its backoff (the test sets the time). */
    void skipBackoff(Stage stage, long id) {
        dsl.update(stage.t.table()).set(stage.t.availableAt(), Sql.nowMinus(Duration.ofSeconds(1))).where(stage.t.id().eq(id))
                .execute();
    }

    LocalDateTime dbNow() {
        return dsl.select(Sql.now()).fetchOne(0, LocalDateTime.class);
    }
}
