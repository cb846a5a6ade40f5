package io.safelock.inventory.data;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/**
 * Everything a purchase writes, as <b>one SQL statement</b>: the stock change on the product row, the
 * order, and the {@code inventory.purchased} event in the outbox (data-modifying CTEs). One statement is
 * one round trip; sent outside a transaction it is also one commit, so one WAL flush (fsync) per
 * purchase. The statement writes all three or nothing: the order and the event come from the rows the
 * stock change returned, so a refused stock change leaves no order and no event behind.
 *
 * <p>The event is JSON built by PostgreSQL ({@code json_build_object}) because it carries the order's
 * id, which exists only inside the statement:
 * <pre>{"eventId", "type": "inventory.purchased", "productId", "quantity", "orderId", "remainingStock",
 *  "strategy", "occurredAt"}</pre>
 * Consumers de-duplicate by {@code eventId}: the relay publishes at least once.
 */
@ApplicationScoped
public class Sale {

    public static final String EVENT_TYPE = "inventory.purchased";

    /**
     * Which stock change the sale may make; each strategy's guarantee lives in its condition. Parameters:
     * $1 product, $2 quantity, $3 fencing token (or null), $4 strategy, $5 idempotency key (or null),
     * $6 event type, $7 routing key, $8 when (ISO-8601 instant). {@code load/pgbench/*.sql} run these statements as they are
     * ({@code PgbenchScriptsTest} keeps them equal).
     */
    public enum Rule {
        /** Whatever the caller decided: without-lock (it checked a read that may be stale) and select-for-update (the row is locked). */
        UNCONDITIONAL("", "TRUE"),
        /** Only while the stock covers the quantity: conditional-update. */
        COVERED("", "stock >= $2"),
        /**
         * Claims the row for the lock holder's token and sells in one step: only a token greater than the
         * row's fence may (an equal one is another holder's, an older one a stale holder's).
         */
        CLAIM(", fence_token = $3", "fence_token < $3 AND stock >= $2"),
        /** Sells on a row this holder claimed earlier, only while the claim is still its own. */
        CLAIMED("", "fence_token = $3 AND stock >= $2");

        private final String sql;

        /** The statement as sent, with its $n parameters. */
        public String sql() {
            return sql;
        }

        Rule(String alsoSet, String condition) {
            this.sql = """
                    WITH sold AS (
                        UPDATE products SET stock = stock - $2, updated_at = now()%s
                        WHERE id = $1 AND %s
                        RETURNING id, stock, price),
                    placed AS (
                        INSERT INTO orders (product_id, quantity, unit_price, strategy, remaining_stock, fencing_token, idempotency_key)
                        SELECT id, $2, price, $4, stock, $3, $5 FROM sold
                        RETURNING id, product_id, remaining_stock, gen_random_uuid() AS event_id),
                    announced AS (
                        INSERT INTO outbox_events (event_id, event_type, routing_key, payload)
                        SELECT event_id, $6, $7, json_build_object('eventId', event_id, 'type', $6::text, 'productId', product_id,
                            'quantity', $2::int, 'orderId', id, 'remainingStock', remaining_stock, 'strategy', $4::text,
                            'occurredAt', $8::text)::text
                        FROM placed)
                    SELECT id, remaining_stock FROM placed""".formatted(alsoSet, condition);
        }
    }

    /** What was sold: the order's id and the stock left. */
    public record Sold(long orderId, int remainingStock) {
    }

    /**
     * @param fencingToken   the lock holder's token (recorded with the order); required by {@link Rule#CLAIM} and {@link Rule#CLAIMED}
     * @param idempotencyKey recorded with the order (unique: a second copy of a keyed request cannot commit); may be null
     * @return empty when the rule refused the stock change (or the product does not exist): nothing was written
     */
    public Uni<Optional<Sold>> sell(SqlClient client, Rule rule, long productId, int quantity, String strategy, Long fencingToken,
                                    String idempotencyKey, String routingKey) {
        return client.preparedQuery(rule.sql)
                .execute(Tuple.from(new Object[] {productId, quantity, fencingToken, strategy, idempotencyKey, EVENT_TYPE, routingKey,
                        Instant.now().toString()}))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(new Sold(rows.iterator().next().getLong(0), rows.iterator().next().getInteger(1))));
    }
}
