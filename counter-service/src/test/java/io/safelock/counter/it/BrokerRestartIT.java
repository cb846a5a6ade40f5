package io.safelock.counter.it;

import io.safelock.testsupport.http.Http;
import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.counter.support.TestRabbit;
import io.safelock.testsupport.FreePorts;
import io.safelock.testsupport.RabbitMqServer;
import io.safelock.testsupport.ServiceProcess;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A throwaway RabbitMQ broker (its own rabbitmq-server process, never the shared one) is killed and
 * started again while inventory events and commands stream in and updates are being announced. Durable
 * queues, persistent messages, redelivery of unacknowledged messages and de-duplication by id together
 * must lose nothing and count nothing twice.
 */
class BrokerRestartIT {

    static RabbitMqServer broker;
    static ReplicaCluster cluster;

    @BeforeAll
    static void start() {
        broker = RabbitMqServer.start();
        cluster = ReplicaCluster.startDirect("restart", 2, Map.of(), broker.port());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aBrokerCrashAndRestartMidStreamLosesNothing() throws Exception {
        String product = Long.toString(System.nanoTime()); // inventory product ids are positive whole numbers
        String commandCounter = "restart-commands-" + cluster.id;
        String httpCounter = "restart-http-" + cluster.id;
        AtomicInteger published = new AtomicInteger();
        long[] expectedUnits = {0};
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
            Publisher publisher = new Publisher(broker.port());
            try {
                for (int i = 0; i < 200; i++) {
                    int quantity = 1 + i % 3;
                    publisher.publish("inventory", "inventory.purchased", TestRabbit.purchased(product + "-" + i, product, quantity));
                    publisher.publish("", cluster.commandsQueue(), TestRabbit.command(commandCounter + "-" + i, commandCounter, 1));
                    expectedUnits[0] += quantity;
                    published.incrementAndGet();
                    sleep(10);
                }
            } finally {
                publisher.close();
            }
        });
        Awaiting.until("the stream under way", Duration.ofSeconds(30), () -> published.get() >= 50);
        broker.kill();
        System.out.printf("broker killed after %d events%n", published.get());
        for (int i = 0; i < 10; i++) { // applied while the broker is down: their notifications wait in the outbox
            Http.postExpect(cluster.url(i % 2, "/counters/" + httpCounter + "/increment"), "{\"mode\": \"atomic\"}", 200);
        }
        Awaiting.until("replicas not ready without the broker", Duration.ofSeconds(10),
                () -> Http.get(cluster.url(0, "/q/health/ready")).status() == 503);
        broker.restart();
        System.out.println("broker restarted");
        stream.get(120, TimeUnit.SECONDS);

        Awaiting.until("every unit sold counted", Duration.ofSeconds(60), () -> unitsSold(product) == expectedUnits[0]);
        Awaiting.until("every command applied", Duration.ofSeconds(60), () -> cluster.value(0, commandCounter) == 200);
        for (int replica = 0; replica < 2; replica++) {
            int r = replica;
            Awaiting.until("replica " + r + " ready again", Duration.ofSeconds(30),
                    () -> Http.get(cluster.url(r, "/q/health/ready")).status() == 200);
            Awaiting.until("replica " + r + " got the notifications of the outage", Duration.ofSeconds(30),
                    () -> Http.getOk(cluster.url(r, "/counters/" + httpCounter + "/last-seen")).get("received").asLong() == 10);
        }
        sleep(1000); // a late redelivery would show up now
        assertThat(unitsSold(product)).isEqualTo(expectedUnits[0]);
        assertThat(cluster.value(1, commandCounter)).isEqualTo(200);
    }

    @Test
    void aReplicaStartsWhileTheBrokerIsDownAndConnectsWhenItComesBack() throws Exception {
        String counter = "late-" + cluster.id;
        int port = FreePorts.one();
        String base = "http://127.0.0.1:" + port;
        broker.kill();
        CompletableFuture<ServiceProcess> starting = CompletableFuture.supplyAsync(() -> cluster.startReplica(cluster.id + "-late", port));
        ServiceProcess late = null;
        try {
            Awaiting.until("the replica started and live without a broker", Duration.ofSeconds(60),
                    () -> Http.get(base + "/q/health/started").status() == 200 && Http.get(base + "/q/health/live").status() == 200);
            assertThat(Http.get(base + "/q/health/ready").status()).as("not ready without the broker").isEqualTo(503);
            Http.postExpect(base + "/counters/" + counter + "/increment", "{\"mode\": \"atomic\"}", 200);
            broker.restart();
            late = starting.get(120, TimeUnit.SECONDS); // returns once ready: every channel connected
            // replica 0's queue existed before the outage; the new replica's own queue is declared by its first connection
            Awaiting.until("the notification of the update made while the broker was down", Duration.ofSeconds(30),
                    () -> Http.getOk(cluster.url(0, "/counters/" + counter + "/last-seen")).get("received").asLong() == 1);
            Publisher publisher = new Publisher(broker.port());
            try {
                publisher.publish("", cluster.commandsQueue(), TestRabbit.command(counter + "-1", counter, 5));
            } finally {
                publisher.close();
            }
            Awaiting.until("a command applied", Duration.ofSeconds(30), () -> cluster.value(0, counter) == 6);
        } finally {
            if (!broker.isRunning()) {
                broker.restart();
            }
            (late != null ? late : starting.get(120, TimeUnit.SECONDS)).close();
        }
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

    /** Publishes with confirms and, like a real producer, retries (reconnecting) until the broker confirms. */
    private static final class Publisher {
        private final int port;
        private TestRabbit rabbit;

        Publisher(int port) {
            this.port = port;
        }

        void publish(String exchange, String routingKey, String json) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (true) {
                try {
                    if (rabbit == null) {
                        rabbit = TestRabbit.connect(port);
                    }
                    rabbit.publish(exchange, routingKey, json);
                    return;
                } catch (RuntimeException e) {
                    close();
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    sleep(200);
                }
            }
        }

        void close() {
            if (rabbit != null) {
                rabbit.close();
                rabbit = null;
            }
        }
    }
}
