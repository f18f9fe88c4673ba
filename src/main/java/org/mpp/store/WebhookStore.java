package org.mpp.store;

import static org.mpp.store.schema.Tables.WEBHOOKDELIVERY;
import static org.mpp.store.schema.Tables.WEBHOOKEVENT;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.mpp.store.schema.tables.Webhookdelivery;
import org.mpp.store.schema.tables.Webhookevent;

/**
 * The webhook outbox, for the nodes' senders and for operators: creates each event's deliveries (one per destination),
 * claims due deliveries, records their outcome, lists events and queues them again. Events themselves are written by
 * the job's status change ({@link Outbox}).
 *
 * <p>A claim is optimistic, as in DB-NOTES: due deliveries are read without locks, then each is taken with an update
 * conditional on the status and attempt counter read; zero rows means another node won it. The claim increments the
 * attempt counter (the fencing token) and starts a lease on the database's clock; a sender that dies mid-request leaves
 * a lease that expires, and any node sends the delivery again (at least once). Order: a delivery is due only when no
 * earlier event of its job is waiting for its deliveries to be created and no earlier delivery of its job to the same
 * destination is waiting or being sent, so each destination gets a job's events in order; a delivery failed for good no
 * longer holds the later ones back. Thread-safe.
 */
public final class WebhookStore {
    /** A delivery waits (due at nextAttemptAt). */
    public static final int WAITING = 0;
    /** A delivery is claimed by a node sending it. */
    public static final int SENDING = 1;
    /** A delivery got a 2xx answer. */
    public static final int DELIVERED = 2;
    /** A delivery still failed retry-hours after it was queued: kept, not retried. */
    public static final int FAILED = 13;
    /** Destination kind of a job's own callback URL. */
    public static final String CALLBACK = "callback";
    /** Destination kind of a configured endpoint. */
    public static final String ENDPOINT = "endpoint";

    private final DSLContext dsl;

    public WebhookStore(Database db) {
        this.dsl = db.dsl();
    }

    /** The key of a destination (kind and URL): SHA-256, lower-case hex. */
    public static String destinationKey(String kind, String url) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((kind + "\n" + url).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    /**
     * Creates the deliveries of events that have none yet, oldest first: one to the job's callback URL (when it had one)
     * and one to each of {@code endpoints}. Each event is taken by exactly one node (a conditional update).
     *
     * @return how many events this call fanned out
     */
    public int fanOut(Collection<String> endpoints, int max) {
        var events = dsl.select(WEBHOOKEVENT.EVENTSEQ, WEBHOOKEVENT.FK_JOBUUID, WEBHOOKEVENT.CALLBACKURL).from(WEBHOOKEVENT)
                .where(WEBHOOKEVENT.FANNEDOUT.isFalse()).orderBy(WEBHOOKEVENT.EVENTSEQ).limit(max).fetch();
        int n = 0;
        for (var e : events) {
            n += Sql.tx(dsl, tx -> {
                if (tx.update(WEBHOOKEVENT).set(WEBHOOKEVENT.FANNEDOUT, true)
                        .where(WEBHOOKEVENT.EVENTSEQ.eq(e.value1()), WEBHOOKEVENT.FANNEDOUT.isFalse()).execute() == 0) {
                    return 0;
                }
                Map<String, String> destinations = new LinkedHashMap<>();
                if (e.value3() != null) {
                    destinations.put(CALLBACK + "\n" + e.value3(), e.value3());
                }
                endpoints.forEach(u -> destinations.put(ENDPOINT + "\n" + u, u));
                for (var d : destinations.entrySet()) {
                    String kind = d.getKey().substring(0, d.getKey().indexOf('\n'));
                    tx.insertInto(WEBHOOKDELIVERY).set(WEBHOOKDELIVERY.FK_EVENTSEQ, e.value1()).set(WEBHOOKDELIVERY.FK_JOBUUID, e.value2())
                            .set(WEBHOOKDELIVERY.KIND, kind).set(WEBHOOKDELIVERY.DESTINATION, d.getValue())
                            .set(WEBHOOKDELIVERY.DESTINATIONKEY, destinationKey(kind, d.getValue())).set(WEBHOOKDELIVERY.STATUS, WAITING)
                            .set(WEBHOOKDELIVERY.ATTEMPTS, 0).set(WEBHOOKDELIVERY.QUEUEDAT, Sql.now()).set(WEBHOOKDELIVERY.NEXTATTEMPTAT, Sql.now())
                            .onDuplicateKeyIgnore().execute();
                }
                return 1;
            });
        }
        return n;
    }

    /**
     * A delivery a node holds: send {@code body} to {@code destination}, then report with {@link #delivered} or
     * {@link #failed}. {@code attempt} is the fencing token.
     */
    public record DeliveryClaim(long deliveryId, UUID node, int attempt, String kind, String destination, String eventId,
            String event, LocalDateTime createdAt, String payload, UUID job) {
    }

    /**
     * Claims up to {@code max} due deliveries for {@code node}, in event order: callbacks, and endpoints whose key (see
     * {@link #destinationKey}) is in {@code endpointKeys} (a node sends only to endpoints it has the secret of).
     */
    public List<DeliveryClaim> claim(UUID node, Collection<String> endpointKeys, int max, Duration lease) {
        Webhookdelivery d = WEBHOOKDELIVERY.as("d");
        Webhookdelivery earlier = WEBHOOKDELIVERY.as("earlier");
        Webhookevent ev = WEBHOOKEVENT.as("ev");
        Webhookevent unfanned = WEBHOOKEVENT.as("unfanned");
        Condition due = d.STATUS.eq(WAITING).and(d.NEXTATTEMPTAT.le(Sql.now()))
                .or(d.STATUS.eq(SENDING).and(d.LEASEUNTIL.lt(Sql.now())));
        Condition mine = endpointKeys.isEmpty() ? d.KIND.eq(CALLBACK) : d.KIND.eq(CALLBACK).or(d.DESTINATIONKEY.in(endpointKeys));
        Condition head = DSL.notExists(DSL.selectOne().from(earlier).where(earlier.FK_JOBUUID.eq(d.FK_JOBUUID),
                earlier.DESTINATIONKEY.eq(d.DESTINATIONKEY), earlier.FK_EVENTSEQ.lt(d.FK_EVENTSEQ), earlier.STATUS.in(WAITING, SENDING)));
        Condition fanned = DSL.notExists(DSL.selectOne().from(unfanned).where(unfanned.FK_JOBUUID.eq(d.FK_JOBUUID),
                unfanned.EVENTSEQ.lt(d.FK_EVENTSEQ), unfanned.FANNEDOUT.isFalse()));
        var rows = dsl.select(d.DELIVERYID, d.STATUS, d.ATTEMPTS, d.KIND, d.DESTINATION, ev.EVENTID, ev.EVENT, ev.CREATEDAT, ev.PAYLOAD,
                        d.FK_JOBUUID).from(d).join(ev).on(ev.EVENTSEQ.eq(d.FK_EVENTSEQ))
                .where(due, mine, head, fanned).orderBy(d.FK_EVENTSEQ, d.DELIVERYID).limit(max).fetch();
        List<DeliveryClaim> claims = new ArrayList<>();
        for (Record r : rows) {
            int attempts = r.get(d.ATTEMPTS);
            int won = dsl.update(WEBHOOKDELIVERY).set(WEBHOOKDELIVERY.STATUS, SENDING).set(WEBHOOKDELIVERY.FK_NODEUUID, Uuids.bytes(node))
                    .set(WEBHOOKDELIVERY.ATTEMPTS, attempts + 1).set(WEBHOOKDELIVERY.LEASEUNTIL, Sql.nowPlus(lease))
                    .where(WEBHOOKDELIVERY.DELIVERYID.eq(r.get(d.DELIVERYID)), WEBHOOKDELIVERY.STATUS.eq(r.get(d.STATUS)),
                            WEBHOOKDELIVERY.ATTEMPTS.eq(attempts)).execute();
            if (won > 1) {
                throw new IllegalStateException(won + " rows matched the claim of webhook delivery " + r.get(d.DELIVERYID));
            }
            if (won == 1) {
                claims.add(new DeliveryClaim(r.get(d.DELIVERYID), node, attempts + 1, r.get(d.KIND), r.get(d.DESTINATION), r.get(ev.EVENTID),
                        r.get(ev.EVENT), r.get(ev.CREATEDAT), r.get(ev.PAYLOAD), Uuids.uuid(r.get(d.FK_JOBUUID))));
            }
        }
        return claims;
    }

    private static Condition fence(DeliveryClaim c) {
        return WEBHOOKDELIVERY.DELIVERYID.eq(c.deliveryId()).and(WEBHOOKDELIVERY.STATUS.eq(SENDING))
                .and(WEBHOOKDELIVERY.FK_NODEUUID.eq(Uuids.bytes(c.node()))).and(WEBHOOKDELIVERY.ATTEMPTS.eq(c.attempt()));
    }

    /** Records a 2xx answer; false when the claim was lost meanwhile (another node took the delivery over). */
    public boolean delivered(DeliveryClaim c) {
        return dsl.update(WEBHOOKDELIVERY).set(WEBHOOKDELIVERY.STATUS, DELIVERED).set(WEBHOOKDELIVERY.DELIVEREDAT, Sql.now())
                .setNull(WEBHOOKDELIVERY.LEASEUNTIL).setNull(WEBHOOKDELIVERY.LASTERROR).where(fence(c)).execute() == 1;
    }

    /** What became of a failed attempt. */
    public enum Retry {
        /** Due again after the backoff. */
        LATER,
        /** Failing for longer than {@code retryFor}: kept as failed. */
        GAVE_UP,
        /** The claim was lost meanwhile: nothing recorded. */
        LOST
    }

    /**
     * Records a failed attempt: due again after {@code backoff}, or failed for good when it was queued more than
     * {@code retryFor} ago (on the database's clock).
     *
     * @param error what went wrong, without secrets (at most 2000 characters are kept)
     */
    public Retry failed(DeliveryClaim c, String error, Duration backoff, Duration retryFor) {
        String text = error.length() > 2000 ? error.substring(0, 2000) : error;
        return Sql.tx(dsl, tx -> {
            int n = tx.update(WEBHOOKDELIVERY)
                    .set(WEBHOOKDELIVERY.STATUS, DSL.when(WEBHOOKDELIVERY.QUEUEDAT.lt(Sql.nowMinus(retryFor)), DSL.inline(FAILED))
                            .otherwise(DSL.inline(WAITING)))
                    .set(WEBHOOKDELIVERY.NEXTATTEMPTAT, Sql.nowPlus(backoff)).setNull(WEBHOOKDELIVERY.LEASEUNTIL)
                    .set(WEBHOOKDELIVERY.LASTERROR, text).where(fence(c)).execute();
            if (n == 0) {
                return Retry.LOST;
            }
            Integer status = tx.select(WEBHOOKDELIVERY.STATUS).from(WEBHOOKDELIVERY).where(WEBHOOKDELIVERY.DELIVERYID.eq(c.deliveryId()))
                    .fetchOne(WEBHOOKDELIVERY.STATUS);
            return status != null && status == FAILED ? Retry.GAVE_UP : Retry.LATER;
        });
    }

    /** Gives a claimed delivery back unsent (the node is stopping): due again at once. */
    public void release(DeliveryClaim c) {
        dsl.update(WEBHOOKDELIVERY).set(WEBHOOKDELIVERY.STATUS, WAITING).setNull(WEBHOOKDELIVERY.LEASEUNTIL)
                .set(WEBHOOKDELIVERY.NEXTATTEMPTAT, Sql.now()).where(fence(c)).execute();
    }

    /** One destination's state of an event. {@code destination} is the URL as stored: show it with WebhookUrls.forLog. */
    public record DeliveryView(String kind, String destination, int status, int attempts, LocalDateTime nextAttemptAt,
            LocalDateTime deliveredAt, String lastError) {
        public String statusName() {
            return status == WAITING && attempts > 0 ? "retrying" : stateName(status);
        }
    }

    /** An event and its deliveries (empty until a node has fanned it out). Times on the database's UTC clock. */
    public record EventView(String id, long seq, long jobId, UUID job, String event, LocalDateTime createdAt, List<DeliveryView> deliveries) {
    }

    /** The newest {@code limit} events first. */
    public List<EventView> recent(int limit) {
        var events = dsl.selectFrom(WEBHOOKEVENT).orderBy(WEBHOOKEVENT.EVENTSEQ.desc()).limit(limit).fetch();
        if (events.isEmpty()) {
            return List.of();
        }
        Map<Long, List<DeliveryView>> bySeq = new LinkedHashMap<>();
        dsl.selectFrom(WEBHOOKDELIVERY).where(WEBHOOKDELIVERY.FK_EVENTSEQ.in(events.map(e -> e.getEventseq())))
                .orderBy(WEBHOOKDELIVERY.DELIVERYID).forEach(r -> bySeq.computeIfAbsent(r.getFkEventseq(), k -> new ArrayList<>())
                        .add(new DeliveryView(r.getKind(), r.getDestination(), r.getStatus(), r.getAttempts(), r.getNextattemptat(),
                                r.getDeliveredat(), r.getLasterror())));
        return events.map(e -> new EventView(e.getEventid(), e.getEventseq(), e.getJobid(), Uuids.uuid(e.getFkJobuuid()), e.getEvent(),
                e.getCreatedat(), List.copyOf(bySeq.getOrDefault(e.getEventseq(), List.of()))));
    }

    /** One event by its id. */
    public Optional<EventView> event(String id) {
        return recentWhere(WEBHOOKEVENT.EVENTID.eq(id));
    }

    private Optional<EventView> recentWhere(Condition c) {
        Long seq = dsl.select(WEBHOOKEVENT.EVENTSEQ).from(WEBHOOKEVENT).where(c).fetchOne(WEBHOOKEVENT.EVENTSEQ);
        if (seq == null) {
            return Optional.empty();
        }
        var e = dsl.selectFrom(WEBHOOKEVENT).where(WEBHOOKEVENT.EVENTSEQ.eq(seq)).fetchOne();
        List<DeliveryView> ds = dsl.selectFrom(WEBHOOKDELIVERY).where(WEBHOOKDELIVERY.FK_EVENTSEQ.eq(seq)).orderBy(WEBHOOKDELIVERY.DELIVERYID)
                .fetch(r -> new DeliveryView(r.getKind(), r.getDestination(), r.getStatus(), r.getAttempts(), r.getNextattemptat(),
                        r.getDeliveredat(), r.getLasterror()));
        return Optional.of(new EventView(e.getEventid(), seq, e.getJobid(), Uuids.uuid(e.getFkJobuuid()), e.getEvent(), e.getCreatedat(), ds));
    }

    /**
     * Queues an event again: each of its deliveries not being sent right now is due at once and retried for another
     * retry-hours, and endpoints configured since it was first sent get it too. A receiver dedupes by the event id.
     *
     * @return false when there is no such event
     */
    public boolean resend(String eventId) {
        return Sql.tx(dsl, tx -> {
            Long seq = tx.select(WEBHOOKEVENT.EVENTSEQ).from(WEBHOOKEVENT).where(WEBHOOKEVENT.EVENTID.eq(eventId)).forUpdate()
                    .fetchOne(WEBHOOKEVENT.EVENTSEQ);
            if (seq == null) {
                return false;
            }
            tx.update(WEBHOOKDELIVERY).set(WEBHOOKDELIVERY.STATUS, WAITING).set(WEBHOOKDELIVERY.ATTEMPTS, 0)
                    .set(WEBHOOKDELIVERY.QUEUEDAT, Sql.now()).set(WEBHOOKDELIVERY.NEXTATTEMPTAT, Sql.now()).setNull(WEBHOOKDELIVERY.DELIVEREDAT)
                    .setNull(WEBHOOKDELIVERY.LASTERROR).setNull(WEBHOOKDELIVERY.FK_NODEUUID)
                    .where(WEBHOOKDELIVERY.FK_EVENTSEQ.eq(seq), WEBHOOKDELIVERY.STATUS.ne(SENDING)).execute();
            tx.update(WEBHOOKEVENT).set(WEBHOOKEVENT.FANNEDOUT, false).where(WEBHOOKEVENT.EVENTSEQ.eq(seq)).execute();
            return true;
        });
    }

    /** How many deliveries are in each state (waiting, sending, delivered, failed), over every event kept: for metrics. */
    public Map<String, Long> deliveriesByStatus() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int status : new int[] {WAITING, SENDING, DELIVERED, FAILED}) {
            counts.put(stateName(status), 0L);
        }
        dsl.select(WEBHOOKDELIVERY.STATUS, DSL.count()).from(WEBHOOKDELIVERY).groupBy(WEBHOOKDELIVERY.STATUS)
                .forEach(r -> counts.merge(stateName(r.value1()), (long) r.value2(), Long::sum));
        return counts;
    }

    /** A delivery state's name: waiting, sending, delivered, failed (unknown for a value no node writes). */
    private static String stateName(int status) {
        return switch (status) {
            case WAITING -> "waiting";
            case SENDING -> "sending";
            case DELIVERED -> "delivered";
            case FAILED -> "failed";
            default -> "unknown";
        };
    }

    /** The events of one job, oldest first (names only: for tests and tools). */
    public List<String> eventsOf(UUID job) {
        return dsl.select(WEBHOOKEVENT.EVENT).from(WEBHOOKEVENT).where(WEBHOOKEVENT.FK_JOBUUID.eq(Uuids.bytes(job)))
                .orderBy(WEBHOOKEVENT.EVENTSEQ).fetch(WEBHOOKEVENT.EVENT);
    }
}
