package io.safelock.inventory.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.inventory.testing.EventQueue;
import io.safelock.inventory.testing.TestDatabase;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.ServiceProcess;
import io.safelock.testsupport.http.Http;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checkout bound across two replicas (separate JVMs of the packaged service, five Redis nodes): with
 * {@code inventory.buy.max-concurrent-checkouts=3}, never more than three {@code /buy} purchases run at
 * once, whichever replica they reach.
 *
 * <p>How the test counts: it holds a row lock on every product, so each purchase that got a permit stops
 * at its first write (claiming the row's fence) and waits there, in plain view in {@code pg_stat_activity};
 * none can leave while the test holds the rows. A semaphore that let a fourth buyer in would show four
 * waiting writes, and that count could not shrink back while the test watches.
 */
class CheckoutLimitIT {

    private static final int PERMITS = 3;
    private static final int BUYERS = 10;

    private static RedisNodes redis;
    private static TestDatabase database;
    private static String exchange;
    private static String queue;
    private static List<ServiceProcess> replicas;

    @BeforeAll
    static void start() {
        redis = RedisNodes.start(5);
        database = TestDatabase.create();
        String run = UUID.randomUUID().toString().substring(0, 8);
        exchange = "it.inventory.events." + run;
        queue = "it.inventory.purchased." + run;
        EventQueue.declare(5672, exchange, queue, "inventory.purchased");
        replicas = Replicas.start(2, Map.of(
                "quarkus.datasource.reactive.url", database.reactiveUrl(TestDatabase.PORT),
                "quarkus.datasource.jdbc.url", "jdbc:" + database.reactiveUrl(TestDatabase.PORT),
                "lock.redis.nodes", redis.nodesProperty(),
                "lock.redis.node-timeout", "500ms",
                "lock.lease-ttl", "3s",
                "inventory.events.exchange", exchange,
                "inventory.purchase.processing-delay", "10ms",
                "inventory.buy.max-wait", "60s",
                "inventory.buy.max-concurrent-checkouts", Integer.toString(PERMITS)));
    }

    @AfterAll
    static void stop() {
        if (replicas != null) {
            replicas.forEach(ServiceProcess::close);
        }
        if (redis != null) {
            redis.close();
        }
        if (exchange != null) {
            EventQueue.deleteQuietly(5672, exchange, queue);
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void neverMoreCheckoutsAtOnceThanPermitsAcrossReplicas() throws Exception {
        List<Long> products = new ArrayList<>();
        for (int i = 0; i < BUYERS; i++) {
            products.add(Http.postExpect(replicas.get(0).baseUrl() + "/products", "{\"name\": \"checkout " + i + "\", \"stock\": 5, \"price\": 1}", 201)
                    .path("id").asLong());
        }
        List<CompletableFuture<Http.Result>> buyers = new ArrayList<>();
        int peak = 0;
        try (Connection rows = database.connect()) {
            rows.setAutoCommit(false);
            try (PreparedStatement lock = rows.prepareStatement("SELECT id FROM products FOR UPDATE")) {
                lock.executeQuery().close();
            }
            for (int i = 0; i < BUYERS; i++) {
                String url = replicas.get(i % 2).baseUrl() + "/buy/" + products.get(i);
                buyers.add(CompletableFuture.supplyAsync(() -> Http.post(url, "{\"amount\": 1}")));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long reachedAt = -1;
            // watch until the permits have been full for 4 s (leases renewed several times meanwhile)
            while (reachedAt < 0 || System.nanoTime() - reachedAt < TimeUnit.SECONDS.toNanos(4)) {
                int inside = checkoutsInside();
                peak = Math.max(peak, inside);
                if (inside >= PERMITS && reachedAt < 0) {
                    reachedAt = System.nanoTime();
                }
                assertThat(System.nanoTime()).as("%d checkouts got in within 60 s", inside).isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(buyers).as("the other buyers wait for a permit").allMatch(buyer -> !buyer.isDone());
            rows.commit();
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<Http.Result> buyer : buyers) {
            Http.Result answer = buyer.get(120, TimeUnit.SECONDS);
            statuses.add(answer.status());
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        }
        System.out.printf("checkouts: peak %d inside at once with %d permits; %d buyers answered %s%n", peak, PERMITS, BUYERS, statuses);
        assertThat(peak).as("checkouts inside at once, across both replicas").isEqualTo(PERMITS);
        assertThat(database.queryLong("SELECT count(*) FROM orders")).isEqualTo(BUYERS);
    }

    /** Purchases that hold a permit and wait at their first write, behind the test's row locks. */
    private static int checkoutsInside() {
        return (int) database.queryLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock' AND query LIKE 'UPDATE products SET fence_token%'");
    }
}
