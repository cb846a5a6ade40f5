package io.safelock.inventory.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.safelock.inventory.testing.EventQueue;
import io.safelock.testsupport.http.Http;
import io.safelock.inventory.testing.TestDatabase;
import io.safelock.testsupport.RabbitMqServer;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.ServiceProcess;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's own RabbitMQ broker is killed while purchases are being made and started again later:
 * every purchase still commits, and afterwards every event is in the durable queue, none lost, the
 * ones confirmed before the crash included.
 */
class BrokerRestartIT {

    private static final String QUEUE = "inventory.purchased";

    private static RabbitMqServer rabbit;
    private static RedisNodes redis;
    private static TestDatabase database;
    private static ServiceProcess replica;

    @BeforeAll
    static void start() {
        rabbit = RabbitMqServer.start();
        redis = RedisNodes.start(1);
        database = TestDatabase.create();
        EventQueue.declare(rabbit.port(), "inventory", QUEUE, "inventory.purchased");
        replica = Replicas.start(1, Map.of(
                "quarkus.datasource.reactive.url", database.reactiveUrl(TestDatabase.PORT),
                "quarkus.datasource.jdbc.url", "jdbc:" + database.reactiveUrl(TestDatabase.PORT),
                "lock.redis.nodes", redis.nodesProperty(),
                // a machine busy with other builds stalls every node's fsync at once: not a lost quorum
                "lock.redis.node-timeout", "500ms",
                "rabbitmq-port", Integer.toString(rabbit.port()),
                "inventory.events.relay.max-backoff", "1s",
                "inventory.sample-data.enabled", "false")).get(0);
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
        if (rabbit != null) {
            rabbit.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void sampleDataSwitchedOffMeansAnEmptyCatalogue() {
        Http.Result products = Http.get(replica.baseUrl() + "/products");
        assertThat(products.status()).isEqualTo(200);
        assertThat(products.body().findValuesAsText("name")).doesNotContain("iPhone 15", "MacBook Pro", "AirPods Pro");
    }

    @Test
    void noEventIsLostWhenTheBrokerCrashesDuringPurchasesAndComesBack() throws Exception {
        long id = Http.post(replica.baseUrl() + "/products", "{\"name\": \"Outage\", \"stock\": 1000, \"price\": 1}").body().path("id").asLong();
        List<Long> orderIds = new ArrayList<>();
        CompletableFuture<Void> buying = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 60; i++) {
                Http.Result purchase = Http.post(replica.baseUrl() + "/purchase/" + (i % 2 == 0 ? "with-lock" : "conditional-update")
                        + "/" + id + "?delayMs=20", "{}");
                assertThat(purchase.status()).as("purchase %d while the broker is %s", i, rabbit.isRunning() ? "up" : "down").isEqualTo(200);
                synchronized (orderIds) {
                    orderIds.add(purchase.body().path("order_id").asLong());
                }
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> publishedCount(id) >= 5);
        Instant crash = Instant.now();
        rabbit.kill();

        await().atMost(Duration.ofSeconds(20)).until(() -> Http.get(replica.baseUrl() + "/q/health/ready").status() == 503);
        buying.get();
        long waiting = database.queryLong("SELECT count(*) FROM outbox_events WHERE published_at IS NULL");
        assertThat(waiting).as("events held in the outbox while the broker is down").isPositive();

        rabbit.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(replica.baseUrl() + "/q/health/ready").status() == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> database.queryLong("SELECT count(*) FROM outbox_events WHERE published_at IS NULL") == 0);

        List<EventQueue.Delivered> delivered = EventQueue.drain(rabbit.port(), QUEUE).stream()
                .filter(e -> e.event().path("productId").asLong() == id).toList();
        Set<String> distinct = delivered.stream().map(EventQueue.Delivered::eventId).collect(Collectors.toSet());
        Set<Long> eventOrders = delivered.stream().map(e -> e.event().path("orderId").asLong()).collect(Collectors.toSet());
        long confirmedBeforeCrash = database.queryLong("SELECT count(*) FROM outbox_events WHERE published_at < ?", Timestamp.from(crash));

        assertThat(orderIds).hasSize(60);
        assertThat(distinct).as("one event per purchase after de-duplication").hasSize(60);
        assertThat(eventOrders).containsExactlyInAnyOrderElementsOf(orderIds);
        assertThat(confirmedBeforeCrash).as("events confirmed before the crash, found again after the restart").isPositive();
        System.out.printf("Broker outage: %d events confirmed before the crash, %d waited in the outbox, %d deliveries for %d events%n",
                confirmedBeforeCrash, waiting, delivered.size(), distinct.size());
    }

    private static long publishedCount(long id) {
        return database.queryLong("SELECT count(*) FROM outbox_events WHERE published_at IS NOT NULL AND payload::jsonb ->> 'productId' = ?",
                Long.toString(id));
    }
}
