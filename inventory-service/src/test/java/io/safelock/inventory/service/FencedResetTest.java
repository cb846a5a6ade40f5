package io.safelock.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.testsupport.http.Http;
import io.safelock.inventory.testing.InventoryTestResource;
import io.safelock.inventory.testing.Products;
import io.safelock.inventory.testing.RedisKeys;
import io.safelock.inventory.testing.TestDatabase;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.Lease;
import io.safelock.lock.LockName;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Resets and purchases of other strategies meeting a locked purchase on one product, through HTTP.
 */
@QuarkusTest
class FencedResetTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URL base;

    @Inject
    DistributedLocks locks;

    /**
     * The reset's write is held up (here by a row lock the test holds, as a GC pause or a slow database
     * would) until its lease is gone and a newer holder has claimed the row. When it lands it must not
     * set the fence back below the newer holder's token.
     */
    @Test
    void aResetHeldUpPastItsLeaseCannotLowerTheFence() throws Exception {
        long id = Products.create(3);
        TestDatabase database = InventoryTestResource.current().database();
        try (Connection rowHolder = database.connect()) {
            rowHolder.setAutoCommit(false);
            try (PreparedStatement lockRow = rowHolder.prepareStatement("SELECT id FROM products WHERE id = ? FOR UPDATE")) {
                lockRow.setLong(1, id);
                lockRow.executeQuery().close();
            }
            CompletableFuture<Http.Result> reset = CompletableFuture.supplyAsync(
                    () -> Http.post(base + "stock/" + id + "/reset", "{\"stock\": 10}"));
            Awaitility.await().atMost(WAIT).until(() -> database.queryLong("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                    + "current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE products%'") == 1);

            // the reset holder's lease is gone (expired during the pause); a newer holder takes the lock and claims the row
            RedisKeys.deleteEverywhere("lock:{product:" + id + "}");
            Lease newer = locks.acquire(LockName.of("product", Long.toString(id)), Duration.ofSeconds(10), WAIT).await().atMost(WAIT);
            try (PreparedStatement claim = rowHolder.prepareStatement("UPDATE products SET fence_token = ? WHERE id = ?")) {
                claim.setLong(1, newer.fencingToken());
                claim.setLong(2, id);
                claim.executeUpdate();
            }
            rowHolder.commit();
            Http.Result answer = reset.get();
            newer.release().await().atMost(WAIT);

            long fence = database.queryLong("SELECT fence_token FROM products WHERE id = ?", id);
            assertThat(fence).as("fence after the held-up reset (answered %d %s)", answer.status(), answer.body())
                    .isEqualTo(newer.fencingToken());
            assertThat(answer.status()).isEqualTo(409);
            assertThat(answer.body().path("reason").asText()).isEqualTo("lock_lost");
            assertThat(answer.header("Retry-After")).isEqualTo("1");
            assertThat(Products.stock(id)).as("the reset wrote nothing").isEqualTo(3);
        }
    }

    /** A locked purchase that read the last unit, then a conditional-update purchase took it: out of stock, not -1. */
    @Test
    void aLockedPurchaseNeverOversellsWhenAnotherStrategySoldTheUnitMeanwhile() throws Exception {
        long id = Products.create(1);
        TestDatabase database = InventoryTestResource.current().database();
        CompletableFuture<Http.Result> locked = CompletableFuture.supplyAsync(
                () -> Http.post(base + "purchase/with-lock/" + id + "?delayMs=1500", "{\"quantity\": 1}"));
        // the locked purchase has claimed the row and read stock 1
        Awaitility.await().atMost(WAIT).until(() -> database.queryLong("SELECT fence_token FROM products WHERE id = ?", id) > 0);
        Http.Result conditional = Http.post(base + "purchase/conditional-update/" + id, "{\"quantity\": 1}");
        Http.Result lockedResult = locked.get();

        assertThat(conditional.status()).isEqualTo(200);
        assertThat(Products.stock(id)).as("never negative (locked purchase answered %d %s)", lockedResult.status(), lockedResult.body())
                .isZero();
        assertThat(lockedResult.status()).isEqualTo(400);
        assertThat(lockedResult.error()).isEqualTo("Out of stock");
        assertThat(Products.orders(id)).isEqualTo(1);
    }
}
