package io.safelock.inventory.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.safelock.inventory.testing.InventoryTestResource;
import io.safelock.inventory.testing.Products;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The product row's fence, step by step against PostgreSQL, holders played with explicit fencing tokens so
 * each interleaving is exact: two holders with one token, a reset paused past its lease, a purchase of a
 * strategy without the lock selling the unit a locked purchase has read.
 */
@QuarkusTest
class ProductFenceTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ProductRepository products;
    @Inject
    Pool pool;

    @Test
    void aSecondClaimWithAnEqualTokenIsRefused() {
        long id = Products.create(5);
        assertThat(products.claimFence(id, 5).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class);
        assertThat(products.claimFence(id, 5).await().atMost(WAIT)).as("another holder with token 5")
                .isEqualTo(new FenceClaim.Fenced(5, 5));
        assertThat(products.reset(id, 9, 5).await().atMost(WAIT)).as("a reset with token 5").isEqualTo(new FenceClaim.Fenced(5, 5));
        assertThat(decrement(id, 5)).as("the holder that claimed with 5").isEqualTo(new FencedDecrement.Done(4));
        assertThat(Products.stock(id)).isEqualTo(4);
    }

    @Test
    void aStaleResetCannotLowerTheFenceAndAStaleDecrementAfterItIsRefused() {
        long id = Products.create(1);
        assertThat(products.claimFence(id, 6).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class); // a buyer (6) reads, pauses
        assertThat(products.claimFence(id, 7).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class); // the next buyer (7)
        assertThat(decrement(id, 7)).isEqualTo(new FencedDecrement.Done(0));
        // a reset holder (5) that was paused past its lease: refused, the fence stays at 7
        assertThat(products.reset(id, 1, 5).await().atMost(WAIT)).isEqualTo(new FenceClaim.Fenced(5, 7));
        assertThat(decrement(id, 6)).as("stale decrement after the reset").isEqualTo(new FencedDecrement.Fenced(7));
        assertThat(fenceOf(id)).as("fence never falls").isEqualTo(7);
        assertThat(Products.stock(id)).isZero();

        // a reset by a later holder claims the row: the buyer of 7 cannot write any more
        assertThat(products.reset(id, 2, 8).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class);
        assertThat(decrement(id, 7)).isEqualTo(new FencedDecrement.Fenced(8));
        assertThat(Products.stock(id)).isEqualTo(2);
    }

    @Test
    void aFencedDecrementNeverTakesStockBelowZero() {
        long id = Products.create(1);
        assertThat(products.claimFence(id, 5).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class); // read stock 1
        // a conditional-update purchase (no lock) takes the last unit meanwhile
        assertThat(pool.withTransaction(tx -> products.decrementIfAvailable(tx, id, 1)).await().atMost(WAIT)).isPresent();
        assertThat(decrement(id, 5)).isEqualTo(new FencedDecrement.OutOfStock(0));
        assertThat(Products.stock(id)).as("never negative").isZero();
    }

    private FencedDecrement decrement(long id, long token) {
        return pool.withTransaction(tx -> products.decrementFenced(tx, id, 1, token)).await().atMost(WAIT);
    }

    private static long fenceOf(long id) {
        return InventoryTestResource.current().database().queryLong("SELECT fence_token FROM products WHERE id = ?", id);
    }
}
