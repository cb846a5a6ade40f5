package io.safelock.inventory.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.safelock.testsupport.http.Http;
import io.safelock.inventory.testing.InventoryTestResource;
import io.safelock.inventory.testing.Products;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesTestResource;
import io.safelock.testsupport.TcpProxy;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Readiness follows each backing server; liveness does not. Outages are made with proxies and killed nodes, never by stopping the shared servers. */
@QuarkusTest
class HealthTest {

    /** The RabbitMQ connector's readiness check: one entry per channel, here {@code inventory-events}. */
    private static final String MESSAGING = "SmallRye Reactive Messaging - readiness check";

    @TestHTTPResource("/")
    URL base;

    @Test
    void readyWhenEverythingAnswers() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("PostgreSQL", "lock-quorum", MESSAGING));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void postgresUnreachable() {
        long id = Products.create(5);
        TcpProxy postgres = InventoryTestResource.current().postgresProxy();
        postgres.cut();
        try {
            awaitCheck("PostgreSQL", "DOWN");
            given().get("/q/health/live").then().statusCode(200);
            Http.Result purchase = Http.post(base + "purchase/with-lock/" + id + "?delayMs=0", "{}");
            assertThat(purchase.status()).as("a purchase while the database is away").isEqualTo(503);
            assertThat(purchase.error()).isNotBlank();
        } finally {
            postgres.restore();
        }
        awaitCheck("PostgreSQL", "UP");
        assertThat(Products.stock(id)).isEqualTo(5);
    }

    @Test
    void redisQuorumLost() {
        long id = Products.create(5);
        RedisNodes nodes = RedisNodesTestResource.current();
        try {
            nodes.node(1).kill();
            nodes.node(3).kill();
            awaitReady(200); // two of five down: still a quorum
            nodes.node(4).kill();
            JsonPath ready = awaitCheck("lock-quorum", "DOWN");
            assertThat(ready.getInt("checks.find { it.name == 'lock-quorum' }.data.nodes_up")).isEqualTo(2);
            given().get("/q/health/live").then().statusCode(200);

            Http.Result purchase = Http.post(base + "purchase/with-lock/" + id + "?delayMs=0", "{}");
            assertThat(purchase.status()).isEqualTo(503);
            assertThat(purchase.body().path("reason").asText()).isEqualTo("quorum_unavailable");
            assertThat(purchase.body().path("failed_nodes").size()).isEqualTo(3);
            assertThat(purchase.body().path("failed_nodes").has("127.0.0.1:" + nodes.node(4).port())).isTrue();
        } finally {
            nodes.healAll();
        }
        awaitCheck("lock-quorum", "UP");
        assertThat(Http.post(base + "purchase/with-lock/" + id + "?delayMs=0", "{}").status()).isEqualTo(200);
    }

    @Test
    void rabbitMqUnreachable() {
        // the connector opens the events channel's connection with its first event: publish one first
        long id = Products.create(5);
        assertThat(Http.post(base + "purchase/conditional-update/" + id + "?delayMs=0", "{}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> InventoryTestResource.current().database().queryLong(
                "SELECT count(*) FROM outbox_events WHERE published_at IS NULL") == 0);
        TcpProxy rabbit = InventoryTestResource.current().rabbitProxy();
        rabbit.cut();
        try {
            JsonPath down = awaitCheck(MESSAGING, "DOWN");
            assertThat(down.getString("checks.find { it.name == '" + MESSAGING + "' }.data.'inventory-events'")).startsWith("[KO]");
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            rabbit.restore();
        }
        awaitCheck(MESSAGING, "UP");
        awaitReady(200);
    }

    private static JsonPath awaitCheck(String check, String status) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            last[0] = given().get("/q/health/ready").then().extract().jsonPath();
            assertThat(last[0].getString("checks.find { it.name == '" + check + "' }.status")).isEqualTo(status);
        });
        if (status.equals("DOWN")) {
            given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        }
        return last[0];
    }

    private static void awaitReady(int code) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(code));
    }
}
