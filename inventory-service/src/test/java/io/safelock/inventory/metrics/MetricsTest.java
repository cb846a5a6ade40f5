package io.safelock.inventory.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.inventory.testing.InventoryTestResource;
import io.safelock.testsupport.http.Http;
import io.safelock.inventory.testing.Products;
import io.safelock.inventory.testing.RedisKeys;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesTestResource;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Drives every path that emits a metric (race, contention, extension, lease loss, quorum loss, events)
 * and checks the real scrape. The scrape is saved to target/metrics/q-metrics.txt, where the chart's
 * dashboard and alert checks look for every metric name they query.
 */
@QuarkusTest
class MetricsTest {

    static final Path SCRAPE = Path.of("target/metrics/q-metrics.txt");

    @TestHTTPResource("/")
    URL base;

    @Test
    void purchasesLocksAndEventsAreMeasured() throws Exception {
        // an oversell without the lock
        long racy = Products.create(1);
        Http.concurrently(5, i -> Http.postJson(base + "purchase/without-lock/" + racy, "{}").build());
        // contention and a lease extended during the purchase (2 s TTL, renewed every ~660 ms)
        long locked = Products.create(5);
        Http.concurrently(3, i -> Http.postJson(base + "purchase/with-lock/" + locked + "?delayMs=1000", "{}").build());
        // a lease lost while its purchase ran, then released after expiry
        long lost = Products.create(5);
        CompletableFuture<Http.Result> losing = CompletableFuture.supplyAsync(
                () -> Http.post(base + "purchase/with-lock/" + lost + "?delayMs=1500", "{}"));
        Thread.sleep(400);
        RedisKeys.deleteEverywhere("lock:{product:" + lost + "}");
        assertThat(losing.get().status()).isEqualTo(409);
        // a holder that does not extend its 2 s lease (?extend=false) works 6 s; a second buyer gets the lock
        // when the lease runs out and buys; the first one's write then meets the newer token at the row
        long fenced = Products.create(1);
        CompletableFuture<Http.Result> stale = CompletableFuture.supplyAsync(
                () -> Http.post(base + "purchase/with-lock/" + fenced + "?extend=false&delayMs=6000", "{}"));
        awaitFenceClaimed(fenced);
        assertThat(Http.post(base + "purchase/with-lock/" + fenced + "?delayMs=0", "{}").status())
                .as("the second buyer, once the first lease ran out").isEqualTo(200);
        Http.Result refused = stale.get();
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error()).contains("fencing token");
        assertThat(Products.stock(fenced)).isZero();
        // a quorum loss
        RedisNodes nodes = RedisNodesTestResource.current();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.node(i).kill();
            }
            assertThat(Http.post(base + "purchase/with-lock/" + locked + "?delayMs=0", "{}").status()).isEqualTo(503);
        } finally {
            nodes.healAll();
        }
        assertThat(Http.post(base + "purchase/conditional-update/" + locked + "?delayMs=0", "{}").status()).isEqualTo(200);

        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Files.createDirectories(SCRAPE.getParent());
        Files.writeString(SCRAPE, scrape);

        assertThat(value(scrape, "inventory_oversold_units_total{strategy=\"without-lock\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "inventory_oversold_units_total{strategy=\"with-lock\"}")).isZero();
        assertThat(value(scrape, "inventory_purchases_total{outcome=\"success\",strategy=\"with-lock\"}")).isGreaterThanOrEqualTo(3);
        assertThat(value(scrape, "inventory_purchases_total{outcome=\"lock_lost\",strategy=\"with-lock\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "inventory_purchases_total{outcome=\"quorum_unavailable\",strategy=\"with-lock\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "lock_acquire_seconds_count{group=\"product\",outcome=\"acquired\"}")).isGreaterThanOrEqualTo(3);
        assertThat(value(scrape, "lock_extensions_total{group=\"product\",outcome=\"ok\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "lock_leases_lost_total{group=\"product\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "inventory_fence_refusals_total{strategy=\"with-lock\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "inventory_fence_refusals_total{strategy=\"with-lock-retry\"}")).as("registered at zero").isZero();
        assertThat(value(scrape, "lock_quorum_failures_total{group=\"product\"}")).isGreaterThanOrEqualTo(1);
        for (String name : List.of("inventory_purchase_seconds_bucket", "inventory_units_sold_total", "inventory_outbox_pending_events",
                "inventory_outbox_oldest_age_seconds", "inventory_events_published_total", "inventory_idempotent_replays_total",
                "lock_wait_seconds_bucket", "lock_hold_seconds_bucket", "lock_contended_attempts_total", "lock_node_errors_total",
                "lock_releases_expired_total", "lock_held", "lock_waiting")) {
            assertThat(scrape).as(name).containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    /** The first holder has the lock and has stamped the row with its token (bounded wait). */
    private static void awaitFenceClaimed(long productId) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (InventoryTestResource.current().database().queryLong("SELECT fence_token FROM products WHERE id = ?", productId) == 0) {
            assertThat(System.nanoTime()).as("product %d claimed by the first holder within 20 s", productId).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static double value(String scrape, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(matcher.find()).as(series + " in the scrape").isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
