package io.safelock.inventory.events;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class OutboxRepository {

    /** Unpublished events and the age of the oldest, in seconds (0 when there is none). */
    public record Backlog(long pending, double oldestAgeSeconds) { }

    private final Pool pool;

    OutboxRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Pending events locked for this transaction and the horizon the scan was made at.
     *
     * @param horizon  the oldest transaction still running when the events were read: every event written
     *                 by an older transaction had committed (or rolled back) by then, so a later scan need not
     *                 look below it for events this scan did not return (except those another relay held locked)
     * @param lastTxid the writing transaction of the last event returned (0 when none)
     */
    public record Pending(List<OutboxEvent> events, long horizon, long lastTxid) { }

    /**
     * The oldest unpublished events written by transaction {@code fromTxid} or later, in the order of their
     * transactions, locked for this transaction. SKIP LOCKED lets every replica run a relay without two of
     * them publishing the same rows at once.
     */
    public Uni<Pending> lockPending(SqlClient client, int limit, long fromTxid) {
        // the lateral join returns the horizon also when no event is pending
        return client.preparedQuery("""
                        SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
                               e.id, e.event_id, e.event_type, e.routing_key, e.payload, e.created_at, e.txid::text AS txid
                        FROM (SELECT) AS now LEFT JOIN LATERAL (
                            SELECT id, event_id, event_type, routing_key, payload, created_at, txid FROM outbox_events
                            WHERE published_at IS NULL AND txid >= $2::xid8
                            ORDER BY txid, id LIMIT $1 FOR UPDATE SKIP LOCKED) e ON TRUE
                        ORDER BY e.txid, e.id""")
                .execute(Tuple.of(limit, Long.toString(fromTxid))).map(rows -> {
                    List<OutboxEvent> events = new ArrayList<>(rows.size());
                    long horizon = 0;
                    long lastTxid = 0;
                    for (var row : rows) {
                        horizon = Long.parseLong(row.getString("horizon"));
                        if (row.getValue("id") != null) {
                            events.add(new OutboxEvent(row.getLong("id"), row.getUUID("event_id"),
                                    row.getString("event_type"), row.getString("routing_key"), row.getString("payload"),
                                    row.getOffsetDateTime("created_at")));
                            lastTxid = Long.parseLong(row.getString("txid"));
                        }
                    }
                    return new Pending(events, horizon, lastTxid);
                });
    }

    public Uni<Void> markPublished(SqlClient client, List<OutboxEvent> events) {
        Long[] ids = events.stream().map(OutboxEvent::id).toArray(Long[]::new);
        return client.preparedQuery("UPDATE outbox_events SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1)")
                .execute(Tuple.of(ids)).replaceWithVoid();
    }

    /** Notes a failed attempt outside the (rolled back) relay transaction, for whoever inspects the table. */
    public Uni<Void> markFailed(List<OutboxEvent> events, String error) {
        Long[] ids = events.stream().map(OutboxEvent::id).toArray(Long[]::new);
        return pool.preparedQuery("""
                        UPDATE outbox_events SET attempts = attempts + 1, last_error = $2
                        WHERE id IN (SELECT id FROM outbox_events WHERE id = ANY($1) AND published_at IS NULL FOR UPDATE SKIP LOCKED)""")
                .execute(Tuple.of(ids, error)).replaceWithVoid();
    }

    /** The pending events written by transaction {@code fromTxid} or later (see {@link #lockPending}). */
    public Uni<Backlog> backlog(long fromTxid) {
        return pool.preparedQuery("""
                        SELECT count(*) AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age
                        FROM outbox_events WHERE published_at IS NULL AND txid >= $1::xid8""")
                .execute(Tuple.of(Long.toString(fromTxid))).map(rows -> {
                    var row = rows.iterator().next();
                    return new Backlog(row.getLong("pending"), row.getDouble("age"));
                });
    }

    public Uni<Integer> deletePublishedOlderThan(Duration age) {
        return pool.preparedQuery("DELETE FROM outbox_events WHERE published_at < now() - ($1::bigint * interval '1 millisecond')")
                .execute(Tuple.of(age.toMillis())).map(rows -> rows.rowCount());
    }
}
