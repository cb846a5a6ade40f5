package io.safelock.inventory.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.safelock.inventory.testing.EventQueue;
import io.safelock.inventory.testing.Products;
import io.safelock.testsupport.http.Http;
import io.safelock.inventory.testing.TestDatabase;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.ServiceProcess;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged service, each its own JVM on its own port, sharing PostgreSQL,
 * RabbitMQ and five Redis nodes (Redlock), with concurrent buyers split between them.
 */
class ReplicasIT {

    private static final int STOCK = 50;
    private static final int BUYERS = 240;

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
                // a machine busy with other builds stalls every node's fsync at once: not a lost quorum
                "lock.redis.node-timeout", "500ms",
                "lock.wait-timeout", "20s",
                "inventory.events.exchange", exchange,
                "inventory.purchase.processing-delay", "10ms"));
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

    @AfterEach
    void heal() {
        redis.healAll();
    }

    @Test
    void bothReplicasSeededTheSampleProductsOnce() {
        for (ServiceProcess replica : replicas) {
            Http.Result products = Http.get(replica.baseUrl() + "/products?limit=3");
            assertThat(products.status()).isEqualTo(200);
            assertThat(products.body().findValuesAsText("name")).containsExactly("iPhone 15", "MacBook Pro", "AirPods Pro");
        }
        assertThat(database.queryLong("SELECT count(*) FROM products WHERE name IN ('iPhone 15', 'MacBook Pro', 'AirPods Pro')"))
                .as("inserted by one replica only").isEqualTo(3);
    }

    @Test
    void withoutTheLockReplicasOversell() {
        long id = createProduct(STOCK);

        List<Http.Result> results = buyAcrossReplicas("without-lock", id, BUYERS);

        assertThat(results).filteredOn(Http.Result::ok).hasSizeGreaterThan(STOCK);
        assertThat(stock(id)).isNegative();
    }

    @Test
    void withTheLockReplicasSellExactlyTheStock() {
        long id = createProduct(STOCK);

        List<Http.Result> results = buyAcrossReplicas("with-lock", id, BUYERS);

        assertExactlyTheStockWasSold(id, results);
    }

    @Test
    void withTheLockReplicasSellExactlyTheStockWhileTwoOfFiveRedisNodesDie() {
        long id = createProduct(STOCK);
        CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
            sleep(300);
            redis.node(0).kill();
            sleep(300);
            redis.node(3).kill();
        });

        List<Http.Result> results = buyAcrossReplicas("with-lock", id, BUYERS);
        killer.join();

        assertThat(redis.node(0).isRunning()).isFalse();
        assertThat(redis.node(3).isRunning()).isFalse();
        assertExactlyTheStockWasSold(id, results);
    }

    @Test
    void theSameIdempotencyKeyAtBothReplicasAtOnceBuysOnce() {
        long id = createProduct(100);
        int keys = 25;
        List<String> keyOf = java.util.stream.IntStream.range(0, keys).mapToObj(i -> UUID.randomUUID().toString()).toList();

        // request i goes to replica i % 2 with key i / 2: every key reaches both replicas in the same instant
        List<Http.Result> results = Http.concurrently(keys * 2, i -> Http.postJson(
                        replicas.get(i % 2).baseUrl() + "/purchase/with-lock/" + id, "{\"quantity\": 2}")
                .header("Idempotency-Key", keyOf.get(i / 2)).build());

        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        for (int k = 0; k < keys; k++) {
            assertThat(results.get(2 * k).body().path("order_id").asLong()).as("key " + k)
                    .isEqualTo(results.get(2 * k + 1).body().path("order_id").asLong());
        }
        assertThat(orders(id)).isEqualTo(keys);
        assertThat(stock(id)).isEqualTo(100 - 2 * keys);
    }

    private void assertExactlyTheStockWasSold(long id, List<Http.Result> results) {
        assertThat(results).allMatch(Products::soldOutOrTurnedAway);
        assertThat(results).filteredOn(Http.Result::ok).hasSize(STOCK);
        assertThat(stock(id)).isZero();
        assertThat(orders(id)).isEqualTo(STOCK);
        assertThat(database.queryLong("SELECT count(*) FROM products WHERE id = ? AND stock < 0", id)).isZero();

        Set<Long> soldOrders = results.stream().filter(Http.Result::ok).map(r -> r.body().path("order_id").asLong())
                .collect(Collectors.toSet());
        List<EventQueue.Delivered> events = eventsOf(id, STOCK);
        assertThat(events).as("delivered once each").hasSize(STOCK);
        assertThat(events.stream().map(EventQueue.Delivered::eventId).distinct().count()).isEqualTo(STOCK);
        assertThat(events.stream().map(e -> e.event().path("orderId").asLong()).collect(Collectors.toSet())).isEqualTo(soldOrders);
    }

    /** Waits until the product's events have all left the outbox, then reads the queue. */
    private List<EventQueue.Delivered> eventsOf(long id, int expected) {
        await().atMost(Duration.ofSeconds(30)).until(() -> database.queryLong(
                "SELECT count(*) FROM outbox_events WHERE published_at IS NULL AND payload::jsonb ->> 'productId' = ?",
                Long.toString(id)) == 0);
        List<EventQueue.Delivered> mine = new java.util.ArrayList<>();
        Set<String> seen = new HashSet<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            EventQueue.drain(5672, queue).stream().filter(e -> e.event().path("productId").asLong() == id).forEach(e -> {
                mine.add(e);
                seen.add(e.eventId());
            });
            return seen.size() >= expected;
        });
        sleep(300); // a late duplicate would show up now
        EventQueue.drain(5672, queue).stream().filter(e -> e.event().path("productId").asLong() == id).forEach(mine::add);
        return mine;
    }

    private List<Http.Result> buyAcrossReplicas(String strategy, long id, int buyers) {
        return Http.concurrently(buyers, i -> Http.postJson(
                replicas.get(i % replicas.size()).baseUrl() + "/purchase/" + strategy + "/" + id, "{\"quantity\": 1}").build());
    }

    private static long createProduct(int stock) {
        Http.Result created = Http.post(replicas.get(0).baseUrl() + "/products",
                "{\"name\": \"Replicated\", \"stock\": " + stock + ", \"price\": 5}");
        assertThat(created.status()).isEqualTo(201);
        return created.body().path("id").asLong();
    }

    private static int stock(long id) {
        return Http.get(replicas.get(1).baseUrl() + "/stock/" + id).body().path("stock").asInt();
    }

    private static long orders(long id) {
        return database.queryLong("SELECT count(*) FROM orders WHERE product_id = ?", id);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
