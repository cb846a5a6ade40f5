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
     * The oldest unpublished events, locked for this transaction. SKIP LOCKED lets every replica run a
     * relay without two of them publishing the same rows at once.
     */
    public Uni<List<OutboxEvent>> lockPending(SqlClient client, int limit) {
        return client.preparedQuery("""
                        SELECT id, event_id, event_type, routing_key, payload, created_at FROM outbox_events
                        WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(limit)).map(rows -> {
                    List<OutboxEvent> events = new ArrayList<>(rows.size());
                    rows.forEach(row -> events.add(new OutboxEvent(row.getLong("id"), row.getUUID("event_id"),
                            row.getString("event_type"), row.getString("routing_key"), row.getString("payload"),
                            row.getOffsetDateTime("created_at"))));
                    return events;
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

    public Uni<Backlog> backlog() {
        return pool.query("""
                        SELECT count(*) AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age
                        FROM outbox_events WHERE published_at IS NULL""")
                .execute().map(rows -> {
                    var row = rows.iterator().next();
                    return new Backlog(row.getLong("pending"), row.getDouble("age"));
                });
    }

    public Uni<Integer> deletePublishedOlderThan(Duration age) {
        return pool.preparedQuery("DELETE FROM outbox_events WHERE published_at < now() - ($1::bigint * interval '1 millisecond')")
                .execute(Tuple.of(age.toMillis())).map(rows -> rows.rowCount());
    }
}
