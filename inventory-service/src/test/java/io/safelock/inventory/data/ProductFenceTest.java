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
 * strategy without the lock selling the unit a locked purchase has read. A refused sale writes nothing:
 * no stock change, no order, no event.
 */
@QuarkusTest
class ProductFenceTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ProductRepository products;
    @Inject
    Sale sale;
    @Inject
    Pool pool;

    @Test
    void aSecondClaimWithAnEqualTokenIsRefused() {
        long id = Products.create(5);
        assertThat(products.claimFence(id, 5).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class);
        assertThat(products.claimFence(id, 5).await().atMost(WAIT)).as("another holder with token 5")
                .isEqualTo(new FenceClaim.Fenced(5, 5));
        assertThat(products.reset(id, 9, 5).await().atMost(WAIT)).as("a reset with token 5").isEqualTo(new FenceClaim.Fenced(5, 5));
        assertThat(sell(id, 5)).as("the holder that claimed with 5").hasValueSatisfying(sold -> assertThat(sold.remainingStock()).isEqualTo(4));
        assertThat(Products.stock(id)).isEqualTo(4);
    }

    @Test
    void aStaleResetCannotLowerTheFenceAndAStaleDecrementAfterItIsRefused() {
        long id = Products.create(1);
        assertThat(products.claimFence(id, 6).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class); // a buyer (6) reads, pauses
        assertThat(products.claimFence(id, 7).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class); // the next buyer (7)
        assertThat(sell(id, 7)).hasValueSatisfying(sold -> assertThat(sold.remainingStock()).isZero());
        // a reset holder (5) that was paused past its lease: refused, the fence stays at 7
        assertThat(products.reset(id, 1, 5).await().atMost(WAIT)).isEqualTo(new FenceClaim.Fenced(5, 7));
        assertThat(sell(id, 6)).as("stale sale after the reset").isEmpty();
        assertThat(fenceOf(id)).as("fence never falls").isEqualTo(7);
        assertThat(Products.stock(id)).isZero();

        // a reset by a later holder claims the row: the buyer of 7 cannot write any more
        assertThat(products.reset(id, 2, 8).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class);
        assertThat(sell(id, 7)).isEmpty();
        assertThat(fenceOf(id)).isEqualTo(8);
        assertThat(Products.stock(id)).isEqualTo(2);
        assertThat(ordersOf(id)).as("orders: only the sale of 7 before the reset").isEqualTo(1);
        assertThat(eventsOf(id)).as("events: one per order").isEqualTo(1);
    }

    @Test
    void aFencedSaleNeverTakesStockBelowZero() {
        long id = Products.create(1);
        assertThat(products.claimFence(id, 5).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class); // read stock 1
        // a conditional-update purchase (no lock) takes the last unit meanwhile
        assertThat(sale.sell(pool, Sale.Rule.COVERED, id, 1, "conditional-update", null, null, "test").await().atMost(WAIT)).isPresent();
        assertThat(sell(id, 5)).isEmpty();
        assertThat(Products.stock(id)).as("never negative").isZero();
        assertThat(ordersOf(id)).isEqualTo(1);
    }

    @Test
    void claimAndSellInOneStatementNeedsAStrictlyNewerToken() {
        long id = Products.create(3);
        assertThat(claimAndSell(id, 10)).hasValueSatisfying(sold -> assertThat(sold.remainingStock()).isEqualTo(2));
        assertThat(fenceOf(id)).isEqualTo(10);
        assertThat(claimAndSell(id, 10)).as("another holder with the same token").isEmpty();
        assertThat(claimAndSell(id, 9)).as("a stale holder").isEmpty();
        assertThat(fenceOf(id)).as("fence never falls").isEqualTo(10);
        assertThat(claimAndSell(id, 11)).hasValueSatisfying(sold -> assertThat(sold.remainingStock()).isEqualTo(1));
        assertThat(Products.stock(id)).isEqualTo(1);
        assertThat(ordersOf(id)).isEqualTo(2);
        assertThat(eventsOf(id)).isEqualTo(2);
        assertThat(InventoryTestResource.current().database().queryLong(
                "SELECT count(*) FROM orders WHERE product_id = ? AND fencing_token IN (10, 11)", id)).isEqualTo(2);
    }

    @Test
    void claimAndSellNeverTakesStockBelowZeroAndLeavesTheFenceWhenItSellsNothing() {
        long id = Products.create(1);
        assertThat(claimAndSell(id, 20)).isPresent();
        assertThat(claimAndSell(id, 21)).as("sold out").isEmpty();
        assertThat(fenceOf(id)).as("a refused sale writes nothing, not even the fence").isEqualTo(20);
        assertThat(Products.stock(id)).isZero();
        assertThat(ordersOf(id)).isEqualTo(1);
        assertThat(eventsOf(id)).isEqualTo(1);
    }

    private java.util.Optional<Sale.Sold> sell(long id, long token) {
        return sale.sell(pool, Sale.Rule.CLAIMED, id, 1, "with-lock", token, null, "test").await().atMost(WAIT);
    }

    private java.util.Optional<Sale.Sold> claimAndSell(long id, long token) {
        return sale.sell(pool, Sale.Rule.CLAIM, id, 1, "with-lock", token, null, "test").await().atMost(WAIT);
    }

    private static long ordersOf(long id) {
        return InventoryTestResource.current().database().queryLong("SELECT count(*) FROM orders WHERE product_id = ?", id);
    }

    private static long eventsOf(long id) {
        return InventoryTestResource.current().database().queryLong(
                "SELECT count(*) FROM outbox_events WHERE payload::jsonb ->> 'productId' = ?", Long.toString(id));
    }

    private static long fenceOf(long id) {
        return InventoryTestResource.current().database().queryLong("SELECT fence_token FROM products WHERE id = ?", id);
    }
}
