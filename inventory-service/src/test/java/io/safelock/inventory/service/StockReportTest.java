package io.safelock.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.inventory.data.FenceClaim;
import io.safelock.inventory.data.StockGuardRepository;
import io.safelock.inventory.testing.Products;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.Lease;
import io.safelock.lock.LockName;
import io.safelock.lock.primitives.Hold;
import io.safelock.lock.primitives.LockPrimitives;
import io.safelock.testsupport.http.Http;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /stock/report} under the read side of {@code stock:all}, the admin stock changes under its
 * write side, on Redlock over five real nodes: each side waits for the other, a report never shows a
 * reset of all products half done, and a writer whose lease ran out is refused by the guard row.
 */
@QuarkusTest
class StockReportTest {

    /** Some calls here reset every product (POST /stock/reset-all): the sample products get their stock back afterwards. */
    private static java.util.Map<Long, Integer> stockBefore;

    @org.junit.jupiter.api.BeforeAll
    static void rememberStock() {
        stockBefore = io.safelock.inventory.testing.Products.stockOfAll();
    }

    @org.junit.jupiter.api.AfterAll
    static void putStockBack() {
        io.safelock.inventory.testing.Products.restoreStock(stockBefore);
    }

    static final Duration TTL = Duration.ofSeconds(10);
    static final Duration WAIT = Duration.ofSeconds(20);
    /** Longer than a request answers when nothing holds it up; shorter than lock.wait-timeout (3 s in tests). */
    static final long HELD_MS = 1200;

    @TestHTTPResource("/")
    URL base;

    @Inject
    LockPrimitives primitives;

    @Inject
    DistributedLocks locks;

    @Inject
    StockGuardRepository guard;

    @Test
    void aResetWaitsForTheReportsUnderWayAndReportsWaitForAReset() throws Exception {
        long id = Products.create(5);

        Hold reading = primitives.readWrite().readLock(StockService.STOCK_LEVELS, TTL, WAIT).await().atMost(WAIT);
        long readHeld = System.nanoTime();
        CompletableFuture<Http.Result> reset = CompletableFuture.supplyAsync(() -> Http.post(base + "stock/" + id + "/reset", "{\"stock\": 9}"));
        Thread.sleep(HELD_MS);
        assertThat(reset).as("the reset waits while a report holds the read side").isNotDone();
        assertThat(Products.stock(id)).isEqualTo(5);
        reading.release().await().atMost(WAIT);
        Http.Result resetAnswer = reset.get();
        assertThat(resetAnswer.status()).as(resetAnswer.text()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - readHeld)).isGreaterThanOrEqualTo(Duration.ofMillis(HELD_MS));
        assertThat(Products.stock(id)).isEqualTo(9);

        Hold writing = primitives.readWrite().writeLock(StockService.STOCK_LEVELS, TTL, WAIT).await().atMost(WAIT);
        CompletableFuture<Http.Result> report = CompletableFuture.supplyAsync(() -> Http.get(base + "stock/report"));
        Thread.sleep(HELD_MS);
        assertThat(report).as("a report waits while a stock change holds the write side").isNotDone();
        writing.release().await().atMost(WAIT);
        Http.Result reportAnswer = report.get();
        assertThat(reportAnswer.status()).as(reportAnswer.text()).isEqualTo(200);
        JsonNode line = line(reportAnswer.body(), id);
        assertThat(line.path("stock").asInt()).isEqualTo(9);
        assertThat(reportAnswer.body().path("fencingToken").asLong()).as("the reader's token is above the writer's before it")
                .isGreaterThan(writing.fencingToken());
    }

    @Test
    void theReportAddsUpStockUnitsSoldAndOrders() {
        long id = Products.create(6);
        Http.postExpect(base + "purchase/conditional-update/" + id, "{\"quantity\": 2}", 200);
        Http.postExpect(base + "purchase/with-lock/" + id + "?delayMs=0", "{\"quantity\": 1}", 200);
        JsonNode report = Http.getOk(base + "stock/report");
        JsonNode line = line(report, id);
        assertThat(line.path("stock").asInt()).isEqualTo(3);
        assertThat(line.path("unitsSold").asLong()).isEqualTo(3);
        assertThat(line.path("orders").asLong()).isEqualTo(2);
        assertThat(line.path("name").asText()).isEqualTo("Test product");
        long stock = 0;
        for (JsonNode product : report.path("products")) {
            stock += product.path("stock").asLong();
        }
        assertThat(report.path("totals").path("stock").asLong()).isEqualTo(stock);
        assertThat(report.path("totals").path("products").asInt()).isEqualTo(report.path("products").size());
    }

    /**
     * Resets of every product run one product at a time (each under its own lock), so without the read/write
     * lock a report could land between two of them. Reports taken all through a series of such resets must
     * each show every product at one and the same value.
     */
    @Test
    void aReportNeverShowsAResetOfAllProductsHalfDone() throws Exception {
        for (int i = 0; i < 4; i++) {
            Products.create(i);
        }
        Http.postExpect(base + "stock/reset-all", "{\"stock\": 100}", 200);
        AtomicBoolean resetting = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> halfDone = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            readers.add(CompletableFuture.supplyAsync(() -> {
                int reports = 0;
                while (resetting.get()) {
                    Http.Result answer = Http.get(base + "stock/report");
                    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
                    Set<Integer> values = new TreeSet<>();
                    answer.body().path("products").forEach(product -> values.add(product.path("stock").asInt()));
                    if (values.size() != 1) {
                        halfDone.add(values.toString());
                    }
                    seen.addAll(values);
                    reports++;
                }
                return reports;
            }));
        }
        List<Integer> resetAnswers = new ArrayList<>();
        try {
            for (int round = 1; round <= 6; round++) {
                Http.Result answer = Http.post(base + "stock/reset-all", "{\"stock\": " + (100 + round) + "}");
                resetAnswers.add(answer.status());
                assertThat(answer.status()).as(answer.text()).isEqualTo(200);
                assertThat(answer.body().path("products").asInt()).isGreaterThanOrEqualTo(4);
            }
        } finally {
            resetting.set(false);
        }
        int reports = 0;
        for (CompletableFuture<Integer> reader : readers) {
            reports += reader.get();
        }
        System.out.printf("stock report: %d reports during 6 resets of all products; stock values seen %s%n", reports, new TreeSet<>(seen));
        assertThat(resetAnswers).containsOnly(200);
        assertThat(halfDone).as("reports that showed a reset of all products half done").isEmpty();
        assertThat(reports).isPositive();
        assertThat(new TreeSet<>(seen)).as("reports saw the resets' values").hasSizeGreaterThan(1);
    }

    /**
     * A writer whose lease ran out (a paused process) while a report came in: the report raised the guard
     * with its newer token, so the stale writer's next product write is refused and nothing is written.
     */
    @Test
    void aStaleWriterCannotWriteAfterANewerReport() {
        long id = Products.create(4);
        Hold stale = primitives.readWrite().writeLock(StockService.STOCK_LEVELS, Duration.ofMillis(300), WAIT).await().atMost(WAIT);
        assertThat(guard.claim(stale.fencingToken()).await().atMost(WAIT)).as("the writer claims the guard").isNull();
        // the writer stalls past its lease; a report comes in with a newer token and raises the guard
        Http.Result report = Http.get(base + "stock/report");
        assertThat(report.status()).as(report.text()).isEqualTo(200);
        assertThat(report.body().path("fencingToken").asLong()).isGreaterThan(stale.fencingToken());

        Lease product = locks.acquire(LockName.of("product", Long.toString(id)), TTL, WAIT).await().atMost(WAIT);
        try {
            FenceClaim claim = guard.resetGuarded(id, 77, product.fencingToken(), stale.fencingToken()).await().atMost(WAIT);
            assertThat(claim).isInstanceOf(FenceClaim.Fenced.class);
            assertThat(((FenceClaim.Fenced) claim).recorded()).isEqualTo(report.body().path("fencingToken").asLong());
        } finally {
            product.release().await().atMost(WAIT);
        }
        assertThat(Products.stock(id)).as("the stale writer wrote nothing").isEqualTo(4);
        assertThat(guard.claim(stale.fencingToken()).await().atMost(WAIT)).as("nor can it claim the guard again").isNotNull();
    }

    @Test
    void resetAllNeedsTheAdminTokenAndAValidStock() {
        Http.Result anonymous = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "stock/reset-all"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"stock\": 1}")).build());
        assertThat(anonymous.status()).isEqualTo(401);
        for (String bad : List.of("{\"stock\": -1}", "{\"stock\": \"5\"}", "{}", "{\"stock\": 1, \"extra\": 2}", "null", "")) {
            Http.Result answer = Http.post(base + "stock/reset-all", bad);
            assertThat(answer.status()).as(bad + " -> " + answer.text()).isEqualTo(400);
            assertThat(answer.body().path("reason").asText()).isEqualTo("bad_input");
            assertThat(answer.body().path("error").asText()).isNotBlank();
        }
    }

    private static JsonNode line(JsonNode report, long id) {
        for (JsonNode product : report.path("products")) {
            if (product.path("productId").asLong() == id) {
                return product;
            }
        }
        throw new AssertionError("product " + id + " missing from the report " + report);
    }
}
