package io.safelock.inventory.data;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Products and their stock. Methods taking a {@link SqlClient} run inside the caller's transaction. */
@ApplicationScoped
public class ProductRepository {

    private final Pool pool;

    ProductRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<Product>> find(long id) {
        return find(pool, id);
    }

    public Uni<Optional<Product>> find(SqlClient client, long id) {
        return client.preparedQuery("SELECT " + Product.COLUMNS + " FROM products WHERE id = $1")
                .execute(Tuple.of(id)).map(ProductRepository::first);
    }

    /** The row locked for the rest of the transaction (SELECT … FOR UPDATE). */
    public Uni<Optional<Product>> findForUpdate(SqlClient client, long id) {
        return client.preparedQuery("SELECT " + Product.COLUMNS + " FROM products WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id)).map(ProductRepository::first);
    }

    public Uni<List<Product>> list(int limit, long offset) {
        return pool.preparedQuery("SELECT " + Product.COLUMNS + " FROM products ORDER BY id LIMIT $1 OFFSET $2")
                .execute(Tuple.of(limit, offset)).map(ProductRepository::all);
    }

    public Uni<Product> create(String name, int stock, BigDecimal price) {
        return pool.preparedQuery("INSERT INTO products (name, stock, price) VALUES ($1, $2, $3) RETURNING " + Product.COLUMNS)
                .execute(Tuple.of(name, stock, price)).map(rows -> Product.from(rows.iterator().next()));
    }

    /**
     * Sets the stock and stamps the fence with the resetting holder's token. Stamping (rather than
     * raising) lets a reset recover products whose fence outran a lock store that lost its counters,
     * while still refusing every holder that acquired before the reset.
     */
    public Uni<Optional<Product>> reset(long id, int stock, long fencingToken) {
        return pool.preparedQuery("UPDATE products SET stock = $2, fence_token = $3, updated_at = now() WHERE id = $1 RETURNING "
                        + Product.COLUMNS)
                .execute(Tuple.of(id, stock, fencingToken)).map(ProductRepository::first);
    }

    /**
     * Raises the row's fence to {@code fencingToken} unless a newer holder got there first, and returns
     * the row as this holder sees it. Claiming at read time matters: otherwise a holder whose lease
     * expired could still write between a newer holder's read and its write, and the newer holder
     * would then decrement from a stale check.
     */
    public Uni<FenceClaim> claimFence(long id, long fencingToken) {
        return pool.preparedQuery("UPDATE products SET fence_token = $2 WHERE id = $1 AND fence_token <= $2 RETURNING " + Product.COLUMNS)
                .execute(Tuple.of(id, fencingToken))
                .flatMap(rows -> rows.size() > 0
                        ? Uni.createFrom().<FenceClaim>item(new FenceClaim.Claimed(Product.from(rows.iterator().next())))
                        : fenceOf(pool, id).map(recorded -> recorded < 0
                                ? new FenceClaim.NotFound()
                                : new FenceClaim.Fenced(fencingToken, recorded)));
    }

    /** Unconditional decrement: the new stock, or empty if the product does not exist. */
    public Uni<Optional<Integer>> decrement(SqlClient client, long id, int quantity) {
        return client.preparedQuery("UPDATE products SET stock = stock - $2, updated_at = now() WHERE id = $1 RETURNING stock")
                .execute(Tuple.of(id, quantity)).map(ProductRepository::stockOf);
    }

    /** Decrements only while the stock covers the quantity: one statement, no lock needed. */
    public Uni<Optional<Product>> decrementIfAvailable(SqlClient client, long id, int quantity) {
        return client.preparedQuery("UPDATE products SET stock = stock - $2, updated_at = now() WHERE id = $1 AND stock >= $2 RETURNING "
                        + Product.COLUMNS)
                .execute(Tuple.of(id, quantity)).map(ProductRepository::first);
    }

    /**
     * Decrements only if no newer lock holder has claimed the row: the fence is the resource's own
     * check, independent of whether this holder still believes it holds the lock.
     */
    public Uni<Optional<Integer>> decrementFenced(SqlClient client, long id, int quantity, long fencingToken) {
        return client.preparedQuery("""
                        UPDATE products SET stock = stock - $2, fence_token = $3, updated_at = now()
                        WHERE id = $1 AND fence_token <= $3 RETURNING stock""")
                .execute(Tuple.of(id, quantity, fencingToken)).map(ProductRepository::stockOf);
    }

    public Uni<Long> fenceOf(SqlClient client, long id) {
        return client.preparedQuery("SELECT fence_token FROM products WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? -1L : rows.iterator().next().getLong(0));
    }

    private static Optional<Product> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(Product.from(rows.iterator().next()));
    }

    private static Optional<Integer> stockOf(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getInteger("stock"));
    }

    private static List<Product> all(RowSet<Row> rows) {
        List<Product> products = new ArrayList<>(rows.size());
        rows.forEach(row -> products.add(Product.from(row)));
        return products;
    }
}
