package io.safelock.inventory.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.inventory.testing.Products;
import io.safelock.testsupport.http.Http;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * With no processing delay a locked purchase goes to the lock without reading the stock first (the sale
 * checks it); a product once seen sold out is answered from a lock-free read, and sells again when restocked.
 */
@QuarkusTest
class SoldOutTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void aCrowdAfterTheLastUnitIsAnsweredWithoutQueueingForTheLock() {
        long id = Products.create(1);
        assertThat(buy(id).status()).isEqualTo(200);
        assertThat(buy(id).status()).as("sold out").isEqualTo(400);

        double acquiredBefore = acquired();
        List<Http.Result> crowd = Http.concurrently(20, i -> Http.postJson(base + "purchase/with-lock/" + id + "?delayMs=0", "{}").build());
        assertThat(crowd).allSatisfy(result -> {
            assertThat(result.status()).isEqualTo(400);
            assertThat(result.body().path("error").asText()).containsIgnoringCase("stock");
        });
        assertThat(acquired() - acquiredBefore).as("product locks taken for the sold-out crowd").isZero();
        assertThat(Products.stock(id)).isZero();
    }

    @Test
    void aProductSoldOutThenRestockedSellsAgainAtOnce() {
        long id = Products.create(1);
        assertThat(buy(id).status()).isEqualTo(200);
        assertThat(buy(id).status()).as("sold out").isEqualTo(400);

        Http.Result reset = Http.post(base + "stock/" + id + "/reset", "{\"stock\": 3}"); // Http sends the admin token
        assertThat(reset.status()).isEqualTo(200);

        Http.Result again = buy(id);
        assertThat(again.status()).as(again.body().toString()).isEqualTo(200);
        assertThat(again.body().path("remaining_stock").asInt()).isEqualTo(2);
        assertThat(buy(id).status()).isEqualTo(200);
        assertThat(Products.stock(id)).isEqualTo(1);
    }

    @Test
    void anUnknownProductIsNotFoundWithOrWithoutAReadFirst() {
        Http.Result missing = buy(999_999_999L);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(buy(999_999_999L).status()).isEqualTo(404);
    }

    private Http.Result buy(long id) {
        return Http.post(base + "purchase/with-lock/" + id + "?delayMs=0", "{}");
    }

    private double acquired() {
        String scrape = Http.send(HttpRequest.newBuilder(URI.create(base + "q/metrics")).GET().build()).text();
        Matcher matcher = Pattern.compile("(?m)^lock_acquire_seconds_count\\{group=\"product\",outcome=\"acquired\"} (\\S+)$").matcher(scrape);
        assertThat(matcher.find()).as("product lock acquisitions in the scrape").isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
