package io.safelock.inventory.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.testsupport.http.Http;
import io.safelock.inventory.testing.Products;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The database-native strategies beside the lock: the same guarantee, by other means. */
@QuarkusTest
class StrategiesTest {

    @TestHTTPResource("/")
    URL base;

    @ParameterizedTest
    @ValueSource(strings = {"conditional-update", "select-for-update", "with-lock"})
    void fiftyBuyersOfTenUnitsSellExactlyTen(String strategy) {
        long id = Products.create(10);

        List<Http.Result> results = Http.concurrently(50,
                i -> Http.postJson(base + "purchase/" + strategy + "/" + id + "?delayMs=5", "{\"quantity\": 1}").build());

        assertThat(results).filteredOn(Http.Result::ok).hasSize(10);
        assertThat(results).allMatch(Products::soldOutOrTurnedAway);
        assertThat(Products.stock(id)).isZero();
        assertThat(Products.orders(id)).isEqualTo(10);
        assertThat(results).filteredOn(Http.Result::ok)
                .allSatisfy(r -> assertThat(r.body().path("strategy").asText()).isEqualTo(strategy));
    }

    @ParameterizedTest
    @ValueSource(strings = {"conditional-update", "select-for-update", "with-lock", "without-lock"})
    void quantitiesLargerThanOneAreCheckedAgainstTheWholeAmount(String strategy) {
        long id = Products.create(10);

        Http.Result first = Http.post(base + "purchase/" + strategy + "/" + id + "?delayMs=0", "{\"quantity\": 7}");
        Http.Result second = Http.post(base + "purchase/" + strategy + "/" + id + "?delayMs=0", "{\"quantity\": 4}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().path("remaining_stock").asInt()).isEqualTo(3);
        assertThat(second.status()).isEqualTo(400);
        assertThat(second.error()).isEqualTo("Out of stock");
        assertThat(second.body().path("available").asInt()).isEqualTo(3);
        assertThat(Products.stock(id)).isEqualTo(3);
        assertThat(Products.unitsSold(id)).isEqualTo(7);
    }

    /** A holder that keeps the product for longer than lock.wait-timeout (3 s in tests) makes the next buyer give up with 409. */
    @ParameterizedTest
    @ValueSource(strings = {"with-lock", "select-for-update"})
    void lockNotObtainedInTimeIs409SayingSo(String strategy) throws Exception {
        long id = Products.create(5);
        CompletableFuture<Http.Result> holder = CompletableFuture.supplyAsync(
                () -> Http.post(base + "purchase/" + strategy + "/" + id + "?delayMs=4500", "{}"));
        Thread.sleep(500);

        Http.Result waiter = Http.post(base + "purchase/" + strategy + "/" + id + "?delayMs=0", "{}");

        assertThat(waiter.status()).isEqualTo(409);
        assertThat(waiter.body().path("reason").asText()).isEqualTo("lock_timeout");
        assertThat(waiter.error()).startsWith("Lock not obtained in time");
        assertThat(holder.get().status()).isEqualTo(200);
        assertThat(Products.stock(id)).isEqualTo(4);
        assertThat(Products.orders(id)).isEqualTo(1);
    }
}
