package io.safelock.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.testsupport.http.Http;
import io.safelock.inventory.testing.Products;
import io.safelock.inventory.testing.RedisKeys;
import java.net.URL;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** With auto-extension (the default), a lease that is lost while the purchase runs stops it before it writes. */
@QuarkusTest
class LeaseLossTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void aPurchaseWhoseLockVanishesWritesNothingAndSaysLockLost() throws Exception {
        long id = Products.create(5);
        CompletableFuture<Http.Result> purchase = CompletableFuture.supplyAsync(
                () -> Http.post(base + "purchase/with-lock/" + id + "?delayMs=2000", "{}"));
        Thread.sleep(500);

        // the key disappears from every node (an operator's FLUSHALL, or expiry during a pause): the next
        // extension is refused and the guard reports the loss
        RedisKeys.deleteEverywhere("lock:{product:" + id + "}");
        Http.Result result = purchase.get();

        assertThat(result.status()).isEqualTo(409);
        assertThat(result.body().path("reason").asText()).isEqualTo("lock_lost");
        assertThat(Products.stock(id)).isEqualTo(5);
        assertThat(Products.orders(id)).isZero();
    }
}
