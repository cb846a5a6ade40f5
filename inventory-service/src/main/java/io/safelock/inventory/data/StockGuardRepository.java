package io.safelock.inventory.data;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * The stock levels as a whole: the stock report, and the {@code stock_guard} fence that admin stock
 * changes (writers of the {@code stock:all} read/write lock) and reports (its readers) meet at.
 */
@ApplicationScoped
public class StockGuardRepository {

    /** One product's line of the stock report. */
    public record ReportLine(long productId, String name, int stock, long unitsSold, long orders) { }

    /** A stock change refused at the guard: a newer report or writer has been there ({@code recorded} ≥ the writer's token). */
    public record GuardRefused(long recorded) { }

    private final Pool pool;

    StockGuardRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * A reader raises the guard to its token before it reads, so that a writer whose lease has run out
     * (and whose token is therefore below this reader's) can no longer write. Readers among themselves: the
     * highest stays.
     */
    public Uni<Void> raise(long readerToken) {
        return pool.preparedQuery("UPDATE stock_guard SET fence_token = GREATEST(fence_token, $1) WHERE id = 1")
                .execute(Tuple.of(readerToken)).replaceWithVoid();
    }

    /**
     * A writer claims the guard for its token: only a token above every report's and writer's before it.
     * Null when claimed, else what refused it.
     */
    public Uni<GuardRefused> claim(long writerToken) {
        return pool.preparedQuery("UPDATE stock_guard SET fence_token = $1 WHERE id = 1 AND fence_token < $1 RETURNING fence_token")
                .execute(Tuple.of(writerToken))
                .flatMap(rows -> rows.size() > 0 ? Uni.createFrom().<GuardRefused>nullItem() : recorded().map(GuardRefused::new));
    }

    /**
     * One product's reset inside a change of the whole stock: writes only while the guard still carries the
     * writer's token (taking a share lock on the guard row, so a report's raise waits for this statement and
     * this statement sees a raise that committed first) and the product lock's token is above the row's fence.
     */
    public Uni<FenceClaim> resetGuarded(long productId, int stock, long productToken, long writerToken) {
        return pool.preparedQuery("""
                        WITH guard AS (SELECT id FROM stock_guard WHERE id = 1 AND fence_token = $4 FOR SHARE)
                        UPDATE products SET stock = $2, fence_token = $3, updated_at = now()
                        WHERE id = $1 AND fence_token < $3 AND EXISTS (SELECT 1 FROM guard)
                        RETURNING""" + " " + Product.COLUMNS)
                .execute(Tuple.of(productId, stock, productToken, writerToken))
                .flatMap(rows -> {
                    if (rows.size() > 0) {
                        return Uni.createFrom().<FenceClaim>item(new FenceClaim.Claimed(Product.from(rows.iterator().next())));
                    }
                    return pool.preparedQuery("SELECT (SELECT fence_token FROM stock_guard WHERE id = 1) AS guard, "
                                    + "(SELECT fence_token FROM products WHERE id = $1) AS row_fence")
                            .execute(Tuple.of(productId)).map(found -> {
                                Row row = found.iterator().next();
                                long guard = row.getLong("guard");
                                Long rowFence = row.getLong("row_fence");
                                if (guard != writerToken) {
                                    return new FenceClaim.Fenced(writerToken, guard);
                                }
                                return rowFence == null ? new FenceClaim.NotFound() : new FenceClaim.Fenced(productToken, rowFence);
                            });
                });
    }

    public Uni<Long> recorded() {
        return pool.query("SELECT fence_token FROM stock_guard WHERE id = 1").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Every product id, in order: what a change of the whole stock walks through. */
    public Uni<List<Long>> productIds() {
        return pool.query("SELECT id FROM products ORDER BY id").execute().map(rows -> {
            List<Long> ids = new ArrayList<>(rows.size());
            rows.forEach(row -> ids.add(row.getLong(0)));
            return ids;
        });
    }

    /**
     * Every product's stock, units sold and orders, in one statement: one snapshot of the database, so
     * stock and sales agree with each other even while purchases commit.
     */
    public Uni<List<ReportLine>> report() {
        return pool.query("""
                        SELECT p.id, p.name, p.stock, COALESCE(o.units, 0) AS units, COALESCE(o.orders, 0) AS orders
                        FROM products p
                        LEFT JOIN (SELECT product_id, SUM(quantity) AS units, COUNT(*) AS orders FROM orders GROUP BY product_id) o
                          ON o.product_id = p.id
                        ORDER BY p.id""")
                .execute().map(rows -> {
                    List<ReportLine> lines = new ArrayList<>(rows.size());
                    rows.forEach(row -> lines.add(new ReportLine(row.getLong("id"), row.getString("name"), row.getInteger("stock"),
                            row.getLong("units"), row.getLong("orders"))));
                    return lines;
                });
    }
}
