package io.safelock.counter.it;

import io.safelock.testsupport.http.Http;
import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.counter.support.TestRabbit;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on real RabbitMQ: the fanout notifications, the shared command queue, inventory events,
 * and an outage of the broker (as the replicas see it: a proxy between them and the broker cuts every
 * connection) in the middle of a stream.
 */
class MessagingAcrossReplicasIT {

    static ReplicaCluster cluster;
    static TestRabbit broker;

    @BeforeAll
    static void start() {
        cluster = ReplicaCluster.start("messaging", 2, Map.of());
        broker = TestRabbit.connect();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyReplicaReceivesEveryNotification() {
        String counter = "notified-" + cluster.id;
        String[] modes = {"atomic", "locked", "queued"}; // unsafe would overwrite queued increments applied meanwhile
        for (int i = 0; i < 40; i++) {
            String mode = modes[i % modes.length];
            Http.postExpect(cluster.url(i % 2, "/counters/" + counter + "/increment"), "{\"mode\": \"" + mode + "\"}",
                    mode.equals("queued") ? 202 : 200);
        }
        for (int replica = 0; replica < 2; replica++) {
            int r = replica;
            Awaiting.until("replica " + r + " received all 40 notifications", Duration.ofSeconds(20),
                    () -> Http.getOk(cluster.url(r, "/counters/" + counter + "/last-seen")).get("received").asLong() == 40);
            assertThat(Http.getOk(cluster.url(r, "/counters/" + counter + "/last-seen")).get("highestValue").asLong()).isEqualTo(40);
        }
    }

    @Test
    void commandsAreSharedByTheReplicasAndAppliedOncePerId() {
        String counter = "commands-" + cluster.id;
        double[] before = {cluster.metric(0, "counter_events_consumed_total{source=\"command\"}"),
                cluster.metric(1, "counter_events_consumed_total{source=\"command\"}")};
        for (int i = 0; i < 200; i++) {
            broker.sendToQueue(cluster.commandsQueue(), TestRabbit.command(counter + "-" + i, counter, 3));
        }
        for (int i = 0; i < 40; i++) { // duplicates, as a producer retry would send them
            broker.sendToQueue(cluster.commandsQueue(), TestRabbit.command(counter + "-" + i, counter, 3));
        }
        Awaiting.until("240 commands consumed", Duration.ofSeconds(60), () -> cluster.value(0, counter) == 600
                && cluster.metric(0, "counter_events_duplicates_total{source=\"command\"}")
                + cluster.metric(1, "counter_events_duplicates_total{source=\"command\"}") >= 40);
        double byA = cluster.metric(0, "counter_events_consumed_total{source=\"command\"}") - before[0];
        double byB = cluster.metric(1, "counter_events_consumed_total{source=\"command\"}") - before[1];
        System.out.printf("commands applied: %.0f by replica a, %.0f by replica b%n", byA, byB);
        assertThat(byA + byB).isEqualTo(200);
        assertThat(byA).as("competing consumers: both replicas take commands").isGreaterThan(0);
        assertThat(byB).isGreaterThan(0);
        assertThat(cluster.value(1, counter)).isEqualTo(600);
    }

    @Test
    void aDuplicatePurchaseIsCountedOnce() {
        String product = Long.toString(System.nanoTime()); // inventory product ids are positive whole numbers
        String eventId = UUID.randomUUID().toString();
        broker.publish("inventory", "inventory.purchased", TestRabbit.purchased(eventId, product, 5));
        broker.publish("inventory", "inventory.purchased", TestRabbit.purchased(eventId, product, 5));
        Awaiting.until("the duplicate recognised", Duration.ofSeconds(20),
                () -> cluster.sumOf(0, "counter_events_duplicates_total{source=\"inventory\"}")
                        + cluster.sumOf(1, "counter_events_duplicates_total{source=\"inventory\"}") >= 1);
        assertThat(unitsSold(product)).isEqualTo(5);
    }

    @Test
    void aBrokerOutageMidStreamLosesNothing() throws Exception {
        String product = Long.toString(System.nanoTime());
        String commandCounter = "outage-commands-" + cluster.id;
        String httpCounter = "outage-http-" + cluster.id;
        long[] expectedUnits = {0};
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 300; i++) {
                int quantity = 1 + i % 3;
                String eventId = product + "-" + i;
                broker.publish("inventory", "inventory.purchased", TestRabbit.purchased(eventId, product, quantity));
                if (i % 10 == 0) { // some events arrive twice
                    broker.publish("inventory", "inventory.purchased", TestRabbit.purchased(eventId, product, quantity));
                }
                broker.sendToQueue(cluster.commandsQueue(), TestRabbit.command(commandCounter + "-" + i, commandCounter, 1));
                expectedUnits[0] += quantity;
                sleep(10);
            }
        });
        sleep(1000);
        cluster.rabbit.cut();
        System.out.println("broker cut away from the replicas");
        try {
            Awaiting.until("replicas not ready while the broker is away", Duration.ofSeconds(10),
                    () -> Http.get(cluster.url(0, "/q/health/ready")).status() == 503);
            for (int i = 0; i < 20; i++) { // updates applied while the broker is away: their notifications must follow later
                Http.postExpect(cluster.url(i % 2, "/counters/" + httpCounter + "/increment"), "{\"mode\": \"atomic\"}", 200);
            }
            sleep(2000);
        } finally {
            cluster.rabbit.restore();
            System.out.println("broker reachable again");
        }
        stream.get(60, java.util.concurrent.TimeUnit.SECONDS);
        Awaiting.until("every unit sold counted", Duration.ofSeconds(60), () -> unitsSold(product) == expectedUnits[0]);
        Awaiting.until("every command applied", Duration.ofSeconds(60), () -> cluster.value(0, commandCounter) == 300);
        for (int replica = 0; replica < 2; replica++) {
            int r = replica;
            Awaiting.until("replica " + r + " received the notifications sent during the outage", Duration.ofSeconds(30),
                    () -> Http.getOk(cluster.url(r, "/counters/" + httpCounter + "/last-seen")).get("received").asLong() == 20);
            Awaiting.until("replica " + r + " ready again", Duration.ofSeconds(20),
                    () -> Http.get(cluster.url(r, "/q/health/ready")).status() == 200);
        }
        sleep(1000); // a late redelivery would show up now
        assertThat(unitsSold(product)).isEqualTo(expectedUnits[0]);
        assertThat(cluster.value(1, commandCounter)).isEqualTo(300);
        assertThat(cluster.replica(0).log() + cluster.replica(1).log()).contains("lost the RabbitMQ connection", "connected to RabbitMQ");
    }

    private static long unitsSold(String product) {
        return Http.getOk(cluster.url(0, "/inventory/products/" + product + "/units-sold")).get("unitsSold").asLong();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
