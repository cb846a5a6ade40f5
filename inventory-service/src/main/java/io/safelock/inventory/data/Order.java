package io.safelock.inventory.data;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.sqlclient.Row;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** One successful purchase; written in the same transaction as its stock change. */
@RegisterForReflection // written by Jackson, also in a native image
public record Order(long id, long productId, int quantity, BigDecimal unitPrice, String strategy, int remainingStock,
                    Long fencingToken, String idempotencyKey, OffsetDateTime createdAt) {

    static final String COLUMNS = "id, product_id, quantity, unit_price, strategy, remaining_stock, fencing_token, idempotency_key, created_at";

    static Order from(Row row) {
        return new Order(row.getLong("id"), row.getLong("product_id"), row.getInteger("quantity"), row.getBigDecimal("unit_price"),
                row.getString("strategy"), row.getInteger("remaining_stock"), row.getLong("fencing_token"),
                row.getString("idempotency_key"), row.getOffsetDateTime("created_at"));
    }
}
