package io.safelock.counter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.support.TestRabbit;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Commands and inventory events published to the real broker, duplicates included. */
@QuarkusTest
class MessagingTest {

    static TestRabbit rabbit;

    @Inject
    CounterConfig config;

    @BeforeAll
    static void connect() {
        rabbit = TestRabbit.connect();
    }

    @AfterAll
    static void disconnect() {
        rabbit.close();
    }

    @Test
    void commandsAreAppliedOncePerCommandId() {
        String counter = CounterResourceTest.unique("commands");
        double duplicatesBefore = metric("counter_events_duplicates_total{source=\"command\"}");
        for (int i = 0; i < 20; i++) {
            rabbit.sendToQueue(config.rabbitmq().commandsQueue(), TestRabbit.command("cmd-" + counter + "-" + i, counter, 2));
        }
        for (int i = 0; i < 5; i++) { // the same commands again, as a redelivery or a producer retry would send them
            rabbit.sendToQueue(config.rabbitmq().commandsQueue(), TestRabbit.command("cmd-" + counter + "-" + i, counter, 2));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> metric("counter_events_duplicates_total{source=\"command\"}") - duplicatesBefore >= 5);
        given().get("/counters/{name}", counter).then().body("value", equalTo(40));
    }

    @Test
    void invalidCommandsAreDroppedWithoutBlockingTheQueue() {
        String counter = CounterResourceTest.unique("commands-bad");
        String queue = config.rabbitmq().commandsQueue();
        rabbit.sendToQueue(queue, "{not json");
        rabbit.sendToQueue(queue, TestRabbit.command("c-" + counter + "-neg", counter, -5));
        rabbit.sendToQueue(queue, "{\"commandId\":\"x\",\"counter\":\"bad name\",\"by\":1}");
        rabbit.sendToQueue(queue, TestRabbit.command("c-" + counter + "-ok", counter, 3));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/counters/{name}", counter).then().body("value", equalTo(3)));
    }

    @Test
    void aDuplicatePurchaseEventIsCountedOnce() {
        String product = Long.toString(System.nanoTime()); // inventory product ids are positive whole numbers
        double consumedBefore = metric("counter_events_consumed_total{source=\"inventory\"}");
        double duplicatesBefore = metric("counter_events_duplicates_total{source=\"inventory\"}");
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        rabbit.publish(config.rabbitmq().inventoryExchange(), config.rabbitmq().inventoryRoutingKey(), TestRabbit.purchased(first, product, 3));
        rabbit.publish(config.rabbitmq().inventoryExchange(), config.rabbitmq().inventoryRoutingKey(), TestRabbit.purchased(first, product, 3));
        rabbit.publish(config.rabbitmq().inventoryExchange(), config.rabbitmq().inventoryRoutingKey(), TestRabbit.purchased(second, product, 4));
        await().atMost(Duration.ofSeconds(20)).until(() -> metric("counter_events_duplicates_total{source=\"inventory\"}") - duplicatesBefore >= 1
                && metric("counter_events_consumed_total{source=\"inventory\"}") - consumedBefore >= 2);
        given().get("/inventory/products/{id}/units-sold", product).then().statusCode(200)
                .body("productId", equalTo(product)).body("unitsSold", equalTo(7));
    }

    @Test
    void purchaseEventsWithNumericIdsAndExtraFieldsAreRead() {
        long product = System.nanoTime();
        rabbit.publish(config.rabbitmq().inventoryExchange(), config.rabbitmq().inventoryRoutingKey(),
                "{\"eventId\":" + product + ",\"productId\":" + product + ",\"quantity\":2,\"orderId\":9,\"remainingStock\":1,"
                        + "\"occurredAt\":\"2026-01-01T00:00:00Z\",\"somethingNew\":{\"a\":1}}");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/inventory/products/{id}/units-sold", product)
                .then().body("unitsSold", equalTo(2)));
    }

    static double metric(String series) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not in /q/metrics"));
    }
}
