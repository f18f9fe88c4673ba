package org.mpp.store;

import static org.mpp.store.schema.Tables.JOB;
import static org.mpp.store.schema.Tables.WEBHOOKEVENT;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import org.jooq.DSLContext;
import org.mpp.store.schema.tables.records.JobRecord;

/**
 * Writes job events into the webhook outbox, inside the transaction that changes the job's status ({@link TaskStore}'s
 * moveJob calls {@link #jobMoved}), so that an event exists exactly when its change committed. Which moves are events:
 * into complete ({@code job.completed}), into failed ({@code job.failed}), and from ingesting into transcoding
 * ({@code job.started}: the ingest is done and the segments are queued; once per run, where "the ingest started" would
 * come again after every retried ingest). Package-private; {@link WebhookStore} reads and sends them. Thread-safe.
 */
final class Outbox {
    static final String STARTED = "job.started";
    static final String COMPLETED = "job.completed";
    static final String FAILED = "job.failed";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Outbox() {
    }

    /** The event a move of a job from {@code from} to {@code to} makes, or null. */
    static String eventOf(int from, int to) {
        if (from == to) {
            return null;
        }
        if (to == Status.COMPLETE) {
            return COMPLETED;
        }
        if (to == Status.FAILED) {
            return FAILED;
        }
        return from == Status.INGESTING && to == Status.TRANSCODING ? STARTED : null;
    }

    /** Inserts the event of the move, if it is one, with the job as it is now in {@code tx}. Call after the move's update. */
    static void jobMoved(DSLContext tx, UUID job, int from, int to) {
        String event = eventOf(from, to);
        if (event == null) {
            return;
        }
        JobRecord r = tx.selectFrom(JOB).where(JOB.JOBUUID.eq(Uuids.bytes(job))).fetchOne();
        if (r == null) {
            return;
        }
        tx.insertInto(WEBHOOKEVENT).set(WEBHOOKEVENT.EVENTID, UUID.randomUUID().toString()).set(WEBHOOKEVENT.FK_JOBUUID, r.getJobuuid())
                .set(WEBHOOKEVENT.JOBID, r.getJobid()).set(WEBHOOKEVENT.EVENT, event).set(WEBHOOKEVENT.CREATEDAT, Sql.now())
                .set(WEBHOOKEVENT.PAYLOAD, payload(r)).set(WEBHOOKEVENT.CALLBACKURL, r.getCallbackurl()).set(WEBHOOKEVENT.FANNEDOUT, false)
                .execute();
    }

    /**
     * The job as the event's {@code job} member: id, uuid, sourceName, status {code, name}, failureReason, dateAdded,
     * dateCompleted (the database's local times, ISO-8601 without a zone, as the seed stores them) and files (each
     * delivered file's name within the job's export folder and its path).
     */
    static String payload(JobRecord r) {
        ObjectNode j = MAPPER.createObjectNode();
        UUID uuid = Uuids.uuid(r.getJobuuid());
        j.put("id", r.getJobid());
        j.put("uuid", uuid == null ? null : uuid.toString());
        j.put("sourceName", r.getSourcename());
        ObjectNode status = j.putObject("status");
        status.put("code", r.getStatus());
        status.put("name", Status.jobName(r.getStatus()));
        j.put("failureReason", r.getFailurereason());
        j.put("dateAdded", r.getDateadded() == null ? null : r.getDateadded().toString());
        j.put("dateCompleted", r.getDatecompleted() == null ? null : r.getDatecompleted().toString());
        ArrayNode files = j.putArray("files");
        if (r.getDeliveredfiles() != null && uuid != null) {
            String folder = "/" + Uuids.hex(uuid) + "/";
            r.getDeliveredfiles().lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(path -> {
                String unix = path.replace('\\', '/');
                int at = unix.lastIndexOf(folder);
                String name = at >= 0 ? unix.substring(at + folder.length()) : unix.substring(unix.lastIndexOf('/') + 1);
                files.addObject().put("name", name).put("path", path);
            });
        }
        try {
            return MAPPER.writeValueAsString(j);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write job " + r.getJobid() + " as JSON", e);
        }
    }
}
