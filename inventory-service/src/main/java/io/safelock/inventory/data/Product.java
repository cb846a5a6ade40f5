package io.safelock.inventory.data;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.sqlclient.Row;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * A product row. {@code fenceToken} is the highest lock fencing token that has claimed or written the
 * row (0 until a locked purchase touches it).
 */
@RegisterForReflection // written by Jackson, also in a native image
public record Product(long id, String name, int stock, BigDecimal price, long fenceToken, OffsetDateTime updatedAt) {

    static final String COLUMNS = "id, name, stock, price, fence_token, updated_at";

    static Product from(Row row) {
        return new Product(row.getLong("id"), row.getString("name"), row.getInteger("stock"),
                row.getBigDecimal("price"), row.getLong("fence_token"), row.getOffsetDateTime("updated_at"));
    }
}
