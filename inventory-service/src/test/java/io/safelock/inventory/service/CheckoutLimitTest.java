package io.safelock.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.inventory.testing.Products;
import io.safelock.lock.primitives.DistributedSemaphore;
import io.safelock.lock.primitives.Hold;
import io.safelock.lock.primitives.LockPrimitives;
import io.safelock.testsupport.http.Http;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /buy/{id}} holds a checkout permit: when every permit is taken (here by the test itself, as
 * other replicas' checkouts would), a buyer waits up to {@code inventory.buy.max-wait} and then gets the
 * shared 409 answer with Retry-After, having bought nothing.
 */
@QuarkusTest
class CheckoutLimitTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URL base;

    @Inject
    LockPrimitives primitives;

    @Inject
    CheckoutGate gate;

    @Test
    void aBuyerWhoGetsNoCheckoutPermitIsToldToRetry() {
        long id = Products.create(3);
        assertThat(gate.permits()).as("the default bound").isEqualTo(16);
        DistributedSemaphore checkouts = primitives.semaphores().of(CheckoutGate.CHECKOUTS, gate.permits());
        Hold all = checkouts.acquire(gate.permits(), Duration.ofSeconds(40), WAIT).await().atMost(WAIT);
        Http.Result refused;
        long started = System.nanoTime();
        try {
            refused = Http.post(base + "buy/" + id, "{\"amount\": 1}");
        } finally {
            all.release().await().atMost(WAIT);
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.body().path("reason").asText()).isEqualTo("lock_timeout");
        assertThat(refused.body().path("lock").asText()).isEqualTo("checkout:buy");
        assertThat(refused.body().path("max_concurrent_checkouts").asInt()).isEqualTo(16);
        assertThat(refused.body().path("error").asText()).contains("inventory.buy.max-concurrent-checkouts");
        assertThat(waited).as("waited for a permit up to inventory.buy.max-wait (10 s in tests)").isGreaterThanOrEqualTo(Duration.ofSeconds(9));
        assertThat(Products.stock(id)).as("nothing bought").isEqualTo(3);

        Http.Result bought = Http.post(base + "buy/" + id, "{\"amount\": 1}");
        assertThat(bought.status()).as(bought.text()).isEqualTo(200);
        assertThat(Products.stock(id)).isEqualTo(2);
    }
}
