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
     * Sets the stock while claiming the row for the resetting holder's token, in one statement: refused
     * ({@link FenceClaim.Fenced}, nothing written) unless the token is greater than the row's fence. The
     * fence never falls, so a reset whose holder was paused past its lease cannot let older holders write
     * again.
     */
    public Uni<FenceClaim> reset(long id, int stock, long fencingToken) {
        return pool.preparedQuery("UPDATE products SET stock = $2, fence_token = $3, updated_at = now() WHERE id = $1 AND fence_token < $3 "
                        + "RETURNING " + Product.COLUMNS)
                .execute(Tuple.of(id, stock, fencingToken))
                .flatMap(rows -> claimed(rows, id, fencingToken));
    }

    /**
     * Raises the row's fence to {@code fencingToken} if the token is greater than every token that claimed
     * the row before, and returns the row as this holder sees it. Strictly greater: of two holders presenting
     * the same token (possible only if the lock itself failed), only the first gets the row. Claiming at read
     * time matters: otherwise a holder whose lease expired could still write between a newer holder's read
     * and its write, and the newer holder would then decrement from a stale check.
     */
    public Uni<FenceClaim> claimFence(long id, long fencingToken) {
        return pool.preparedQuery("UPDATE products SET fence_token = $2 WHERE id = $1 AND fence_token < $2 RETURNING " + Product.COLUMNS)
                .execute(Tuple.of(id, fencingToken))
                .flatMap(rows -> claimed(rows, id, fencingToken));
    }

    private Uni<FenceClaim> claimed(RowSet<Row> rows, long id, long fencingToken) {
        return rows.size() > 0
                ? Uni.createFrom().item(new FenceClaim.Claimed(Product.from(rows.iterator().next())))
                : fenceOf(pool, id).map(recorded -> recorded < 0
                        ? new FenceClaim.NotFound()
                        : new FenceClaim.Fenced(fencingToken, recorded));
    }

    private Uni<Long> fenceOf(SqlClient client, long id) {
        return client.preparedQuery("SELECT fence_token FROM products WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? -1L : rows.iterator().next().getLong(0));
    }

    private static Optional<Product> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(Product.from(rows.iterator().next()));
    }

    private static List<Product> all(RowSet<Row> rows) {
        List<Product> products = new ArrayList<>(rows.size());
        rows.forEach(row -> products.add(Product.from(row)));
        return products;
    }
}
