package io.safelock.inventory.data;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
public class OrderRepository {

    private final Pool pool;

    OrderRepository(Pool pool) {
        this.pool = pool;
    }

    /** Newest first; all products when {@code productId} is null. */
    public Uni<List<Order>> list(Long productId, int limit, long offset) {
        String where = productId == null ? "" : " WHERE product_id = $3";
        Tuple args = productId == null ? Tuple.of(limit, offset) : Tuple.of(limit, offset, productId);
        return pool.preparedQuery("SELECT " + Order.COLUMNS + " FROM orders" + where + " ORDER BY id DESC LIMIT $1 OFFSET $2")
                .execute(args).map(rows -> {
                    List<Order> orders = new ArrayList<>(rows.size());
                    rows.forEach(row -> orders.add(Order.from(row)));
                    return orders;
                });
    }
}
