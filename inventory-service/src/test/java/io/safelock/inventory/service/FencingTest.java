package io.safelock.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.safelock.testsupport.http.Http;
import io.safelock.inventory.testing.InventoryTestResource;
import io.safelock.inventory.testing.Products;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Holders that stall past their lease (auto-extension off, 400 ms TTL, long processing delay), as after
 * a GC pause or a partition: nothing but the fencing token at the product row stands between them and
 * the data. Each test would oversell without the fence.
 */
@QuarkusTest
@TestProfile(FencingTest.StallingHolders.class)
class FencingTest {

    /** A fence no token of the lock nodes reaches: their fence sequence follows their clock in µs (about 1.8e15). */
    static final long FENCE_AHEAD_OF_EVERY_TOKEN = 4_000_000_000_000_000_000L;

    public static final class StallingHolders implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("inventory.lock.auto-extend", "false", "lock.lease-ttl", "400ms");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void aStaleHolderCannotWriteAfterANewerHolderBought() throws Exception {
        long id = Products.create(1);
        // A takes the lock, reads stock 1, then stalls for 2.5 s: its lease ends after 400 ms
        CompletableFuture<Http.Result> stale = buyAsync(id, 2500);
        Thread.sleep(900);

        // B gets the lock A no longer holds, and buys the last unit
        Http.Result fresh = buy(id, 0);
        Http.Result staleResult = stale.get();

        assertThat(fresh.status()).isEqualTo(200);
        assertThat(staleResult.status()).isEqualTo(409);
        assertThat(staleResult.body().path("reason").asText()).isEqualTo("lock_lost");
        assertThat(staleResult.error()).contains("fencing token");
        assertThat(Products.stock(id)).as("never negative").isZero();
        assertThat(Products.orders(id)).as("orders = units sold").isEqualTo(1);
        assertThat(fenceOf(id)).isEqualTo(fresh.body().path("fencing_token").asLong());
    }

    /**
     * The subtle order: B reads while A is still stalled, A then writes before B does. Only fencing the
     * read stops A here; fencing writes alone would let A decrement and B decrement again from a stale
     * check, selling two units of one.
     */
    @Test
    void aStaleHolderCannotWriteBetweenANewerHoldersReadAndWrite() throws Exception {
        long id = Products.create(1);
        CompletableFuture<Http.Result> stale = buyAsync(id, 1500);
        Thread.sleep(700);
        CompletableFuture<Http.Result> fresh = buyAsync(id, 1800); // reads at ~0.7 s, writes at ~2.5 s; A writes at ~1.5 s

        Http.Result staleResult = stale.get();
        Http.Result freshResult = fresh.get();

        assertThat(staleResult.status()).isEqualTo(409);
        assertThat(staleResult.body().path("reason").asText()).isEqualTo("lock_lost");
        assertThat(freshResult.status()).isEqualTo(200);
        assertThat(Products.stock(id)).isZero();
        assertThat(Products.orders(id)).isEqualTo(1);
    }

    /**
     * A lock store that lost its counters hands out low tokens again: purchases and resets are refused and
     * the fence stays; the recovery in the README (with every replica stopped, set the fences back) makes
     * the product purchasable again.
     */
    @Test
    void tokensBelowTheFenceAreRefusedByPurchasesAndResetsAlike() {
        long id = Products.create(3);
        var database = InventoryTestResource.current().database();
        database.update("UPDATE products SET fence_token = ? WHERE id = ?", FENCE_AHEAD_OF_EVERY_TOKEN, id);

        Http.Result refused = buy(id, 0);
        Http.Result reset = Http.post(base + "stock/" + id + "/reset", "{\"stock\": 5}");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error()).contains("lock nodes lost their data");
        assertThat(reset.status()).isEqualTo(409);
        assertThat(reset.body().path("reason").asText()).isEqualTo("lock_lost");
        assertThat(fenceOf(id)).isEqualTo(FENCE_AHEAD_OF_EVERY_TOKEN);
        assertThat(Products.stock(id)).isEqualTo(3);

        database.update("UPDATE products SET fence_token = 0 WHERE id = ?", id);
        assertThat(buy(id, 0).status()).isEqualTo(200);
        assertThat(Products.stock(id)).isEqualTo(2);
        assertThat(Products.orders(id)).isEqualTo(1);
    }

    private CompletableFuture<Http.Result> buyAsync(long id, int delayMs) {
        return CompletableFuture.supplyAsync(() -> buy(id, delayMs));
    }

    private Http.Result buy(long id, int delayMs) {
        return Http.post(base + "purchase/with-lock/" + id + "?delayMs=" + delayMs, "{\"quantity\": 1}");
    }

    private static long fenceOf(long id) {
        return InventoryTestResource.current().database().queryLong("SELECT fence_token FROM products WHERE id = ?", id);
    }
}
