package io.safelock.counter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesTestResource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HealthAndMetricsTest {

    @Test
    void readyWhenLockQuorumCounterRedisAndRabbitAreUp() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("lock-quorum", "counter-redis", "SmallRye Reactive Messaging - readiness check"));
    }

    @Test
    void notReadyWithoutALockQuorumAndReadyAgainAfterwards() {
        RedisNodes nodes = RedisNodesTestResource.current();
        try {
            nodes.node(0).kill();
            nodes.node(1).kill();
            // two of five down: still a quorum
            given().get("/q/health/ready").then().statusCode(200);
            nodes.node(2).kill();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'lock-quorum' }.status", equalTo("DOWN")));
            // a locked update now fails cleanly and says why, in the one lock failure contract (503 = infrastructure)
            given().contentType(ContentType.JSON).body("{\"mode\":\"locked\"}").post("/counters/{name}/increment",
                    CounterResourceTest.unique("no-quorum")).then().statusCode(503).header("Retry-After", "1")
                    .body("reason", equalTo("quorum_unavailable"))
                    .body("error", org.hamcrest.Matchers.containsString("quorum unavailable"));
        } finally {
            nodes.healAll();
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void metricsExposeEveryCounterSeriesAndTheLockMetrics() {
        given().contentType(ContentType.JSON).body("{\"mode\":\"locked\"}")
                .post("/counters/{name}/increment", CounterResourceTest.unique("metrics")).then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String mode : new String[] {"unsafe", "locked", "atomic", "queued"}) {
            assertThat(metrics).contains("counter_updates_total{mode=\"" + mode + "\"}");
        }
        for (String source : new String[] {"notification", "command", "inventory"}) {
            assertThat(metrics).contains("counter_events_consumed_total{source=\"" + source + "\"}")
                    .contains("counter_events_duplicates_total{source=\"" + source + "\"}");
        }
        assertThat(metrics).contains("counter_lost_updates_total", "counter_queue_depth", "counter_queue_oldest_age_seconds",
                "lock_acquire_seconds_bucket{group=\"counter\"", "lock_held{group=\"counter\"}", "lock_wait_seconds");
    }

    @Test
    void openApiAndSwaggerUiAreServed() {
        given().get("/q/openapi").then().statusCode(200).body(org.hamcrest.Matchers.containsString("/experiments/race"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
