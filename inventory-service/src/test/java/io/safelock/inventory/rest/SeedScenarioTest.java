package io.safelock.inventory.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.safelock.testsupport.http.AdminToken;
import io.safelock.testsupport.http.Http;
import io.safelock.inventory.testing.Products;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's own scenario, with the seed's requests: concurrent buyers of the last units, without and
 * with the lock (five Redis nodes, Redlock), at the default 100 ms processing delay.
 */
@QuarkusTest
class SeedScenarioTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void withoutLockFiveBuyersOfOneUnitOversellAndDriveStockNegative() {
        long id = Products.create(1);

        List<Http.Result> results = buyConcurrently(5, "without-lock", id);

        long successes = results.stream().filter(Http.Result::ok).count();
        assertThat(successes).as("successful purchases of 1 unit").isGreaterThan(1);
        assertThat(Products.stock(id)).as("stock after the race").isNegative().isEqualTo(1 - (int) successes);
        assertThat(Products.orders(id)).as("orders match successes").isEqualTo(successes);
        results.stream().filter(Http.Result::ok).forEach(r -> assertThat(r.body().path("message").asText())
                .isEqualTo("Purchase successful (NO LOCK)"));
    }

    @Test
    void withLockFiveBuyersOfOneUnitSellExactlyOne() {
        long id = Products.create(1);

        List<Http.Result> results = buyConcurrently(5, "with-lock", id);

        assertThat(results).filteredOn(Http.Result::ok).hasSize(1);
        assertThat(results).filteredOn(r -> !r.ok())
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.error()).isEqualTo("Out of stock");
                });
        assertThat(Products.stock(id)).isZero();
        assertThat(Products.orders(id)).isEqualTo(1);
        Http.Result success = results.stream().filter(Http.Result::ok).findFirst().orElseThrow();
        assertThat(success.body().path("success").asBoolean()).isTrue();
        assertThat(success.body().path("message").asText()).isEqualTo("Purchase successful (WITH LOCK)");
        assertThat(success.body().path("duration").asText()).matches("\\d+ms");
        assertThat(success.body().path("remaining_stock").asInt()).isZero();
        assertThat(success.body().path("fencing_token").asLong()).isPositive();
    }

    @Test
    void hundredBuyersOfTenUnits() {
        long unlocked = Products.create(10);
        List<Http.Result> racy = buyConcurrently(100, "without-lock", unlocked, "?delayMs=50");
        assertThat(racy).filteredOn(Http.Result::ok).hasSizeGreaterThan(10);
        assertThat(Products.stock(unlocked)).isNegative();

        long locked = Products.create(10);
        List<Http.Result> results = buyConcurrently(100, "with-lock", locked, "?delayMs=10");

        assertThat(results).filteredOn(Http.Result::ok).hasSize(10);
        assertThat(results).allMatch(Products::soldOutOrTurnedAway);
        assertThat(Products.stock(locked)).isZero();
        assertThat(Products.orders(locked)).isEqualTo(10);
        assertThat(Products.unitsSold(locked)).isEqualTo(10);
    }

    @Test
    void buyRouteRetriesWhileTheLockIsBusyInsteadOfTurningBuyersAway() {
        // 20 buyers holding the lock ~200 ms each: the last ones wait ~4 s, longer than lock.wait-timeout (3 s in tests)
        long turnedAway = Products.create(5);
        List<Http.Result> purchase = Http.concurrently(20,
                i -> Http.postJson(base + "purchase/with-lock/" + turnedAway + "?delayMs=200", "{\"quantity\": 1}").build());
        assertThat(purchase).as("/purchase/with-lock gives up after lock.wait-timeout").anyMatch(r -> r.status() == 409);

        long id = Products.create(5);
        List<Http.Result> results = Http.concurrently(20, i -> Http.postJson(base + "buy/" + id + "?delayMs=200", "{\"amount\": 1}").build());

        assertThat(results).filteredOn(Http.Result::ok).hasSize(5);
        assertThat(results).as("/buy keeps waiting: everyone gets an answer on the stock").extracting(Http.Result::status).containsOnly(200, 400);
        assertThat(Products.stock(id)).isZero();
        assertThat(Products.orders(id)).isEqualTo(5);
    }

    @Test
    void seedShapesOfStockAndReset() {
        long id = Products.create(7);
        given().get("/stock/" + id).then().statusCode(200).contentType(ContentType.JSON)
                .body("productId", equalTo(Long.toString(id))).body("stock", equalTo(7));
        given().auth().oauth2(AdminToken.TOKEN).contentType(ContentType.JSON).body("{\"stock\": 3}").post("/stock/" + id + "/reset")
                .then().statusCode(200)
                .body("message", equalTo("Stock reset")).body("productId", equalTo(Long.toString(id))).body("stock", equalTo(3));
        assertThat(Products.stock(id)).isEqualTo(3);
        // the seed's curl: no body, no content type
        given().post("/purchase/with-lock/" + id).then().statusCode(200)
                .body("remaining_stock", equalTo(2)).body("duration", matchesPattern("\\d+ms"));
        given().contentType(ContentType.JSON).body("{\"amount\": 2}").post("/buy/" + id).then().statusCode(200)
                .body("remaining_stock", equalTo(0)).body("quantity", equalTo(2));
    }

    private List<Http.Result> buyConcurrently(int buyers, String strategy, long id) {
        return buyConcurrently(buyers, strategy, id, "");
    }

    private List<Http.Result> buyConcurrently(int buyers, String strategy, long id, String query) {
        return Http.concurrently(buyers, i -> Http.postJson(base + "purchase/" + strategy + "/" + id + query, "{\"quantity\": 1}").build());
    }
}
