package io.safelock.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.demo.http.Http;
import io.safelock.demo.local.AdminToken;
import io.safelock.demo.local.DemoCluster;
import io.safelock.demo.local.Ports;
import io.safelock.demo.local.ProcessRecord;
import io.safelock.demo.story.Purchases;
import io.safelock.demo.story.SeedScenario;
import io.safelock.testsupport.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The seed's scenario against two inventory replicas started by the demo's own code ({@link DemoCluster}):
 * five redis-server lock nodes and two JVMs running the packaged jar, each with its pid file. Five buyers
 * of one unit split over the replicas: with the lock exactly one buys and the stock ends at 0, without it
 * several buy. Then the real seed clients (Node.js, axios) when node is installed. Everything runs on
 * ports of its own, a database and an exchange of its own, so a demo running on this machine is not
 * disturbed, and the test stops exactly the processes it started.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedScenarioAcrossReplicasIT {

    static final Path ROOT = Path.of(System.getProperty("safelock.root", "..")).toAbsolutePath().normalize();
    static final String RUN = Long.toString(System.currentTimeMillis() / 1000) + "_"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));

    static DemoPlan plan;
    static DemoCluster cluster;
    static Purchases purchases;
    static SharedServers shared;
    static Thread cleanupOnCrash;

    @BeforeAll
    static void startReplicasTheWayTheDemoDoes() {
        shared = new SharedServers("inventory_demo_it_" + RUN, "demo-it.inventory." + RUN);
        plan = new DemoPlan(ROOT, ROOT.resolve("demo/target/demo-it-" + RUN), FreePorts.distinct(DemoPlan.LOCK_NODES), inventoryPorts(),
                List.of(), inventorySettings(), Map.of());
        cluster = new DemoCluster(plan, line -> System.out.println("[it] " + line));
        cleanupOnCrash = new Thread(() -> {
            cluster.down();
            shared.dropQuietly();
        });
        Runtime.getRuntime().addShutdownHook(cleanupOnCrash);
        cluster.up();
        purchases = new Purchases(new Http(Duration.ofSeconds(60), AdminToken.of(plan)), plan.inventoryUrls());
        // First requests of a fresh JVM are slow; warm both replicas so they arrive at the race together.
        purchases.reset(SeedScenario.PRODUCT, 100);
        purchases.buy("without-lock", SeedScenario.PRODUCT, 6, 2, 0, 0);
        purchases.buy("with-lock", SeedScenario.PRODUCT, 6, 2, 0, 0);
    }

    /** Port 3000 when it is free, so the seed clients can run unchanged; otherwise (a demo runs) free ports. */
    static List<Integer> inventoryPorts() {
        List<Integer> free = FreePorts.distinct(2);
        int first = Ports.inUse(DemoPlan.FIRST_INVENTORY_PORT) ? free.get(0) : DemoPlan.FIRST_INVENTORY_PORT;
        return List.of(first, free.get(1));
    }

    static Map<String, String> inventorySettings() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DB_URL", "postgresql://127.0.0.1:5432/" + shared.database());
        env.put("RABBITMQ_HOST", "127.0.0.1");
        env.put("INVENTORY_EVENTS_EXCHANGE", shared.exchange());
        // The machine's disk is shared with other builds; an fsync stall on every node must not read as a lost quorum.
        env.put("LOCK_REDIS_NODE_TIMEOUT", "1s");
        return env;
    }

    @Test
    @Order(1)
    void withTheLockExactlyOneOfFiveBuyersAcrossReplicasBuys() {
        SeedScenario.Result result = SeedScenario.run(purchases, "with-lock", 5);

        assertThat(result.succeeded()).as("successful purchases, " + result.outcome().statuses()).isEqualTo(1);
        assertThat(result.finalStock()).isZero();
        assertThat(result.outcome().outOfStock()).as("the four others are told 'Out of stock'").isEqualTo(4);
    }

    @Test
    @Order(2)
    void withoutTheLockSeveralBuyersAcrossReplicasBuyTheSameUnit() {
        SeedScenario.Result result = SeedScenario.run(purchases, "without-lock", 5);

        assertThat(result.succeeded()).as("successful purchases, " + result.outcome().statuses()).isGreaterThan(1);
        assertThat(result.finalStock()).isEqualTo(1 - result.succeeded());
    }

    @Test
    @Order(3)
    void theSeedClientsPassUnchanged() throws Exception {
        SeedClients seed = SeedClients.prepare(ROOT.resolve("seed-clients"));

        SeedClients.Run run = seed.node("race.js", baseUrl(), AdminToken.of(plan));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("with lock:    1 sold from a stock of 1, final stock 0  PASS");
    }

    @Test
    @Order(4)
    void theSeedCurlBuysTheLastUnit() throws Exception {
        purchases.reset(SeedScenario.PRODUCT, 1);

        SeedClients.Run buy = SeedClients.shell(ROOT.resolve("seed-clients/buy.sh"), baseUrl());

        assertThat(buy.exitCode()).as(buy.output()).isZero();
        assertThat(buy.output()).contains("\"success\":true");
        assertThat(purchases.stock(SeedScenario.PRODUCT)).isZero();
    }

    @Test
    @Order(5)
    void stopStopsExactlyWhatWasStarted() {
        List<ProcessRecord> started = DemoCluster.records(plan);
        assertThat(started).hasSize(DemoPlan.LOCK_NODES + plan.inventoryPorts().size());

        cluster.down();

        assertThat(started).noneMatch(ProcessRecord::isRunning);
        assertThat(List.of(5432, 6379, 5672)).as("the shared servers").allMatch(Ports::inUse);
        for (int port : plan.inventoryPorts()) {
            assertThat(Ports.inUse(port)).as("port " + port + " after stop").isFalse();
        }
    }

    /** Null (the clients' own default, http://localhost:3000) when the first replica got port 3000. */
    static String baseUrl() {
        int port = plan.inventoryPorts().get(0);
        if (port == DemoPlan.FIRST_INVENTORY_PORT) {
            return null;
        }
        System.out.println("[it] port 3000 is taken (a demo running?): the seed clients get BASE_URL=http://localhost:" + port);
        return "http://localhost:" + port;
    }

    @AfterAll
    static void cleanUp() {
        if (cluster != null) {
            cluster.down();
        }
        if (shared != null) {
            shared.dropQuietly();
        }
        if (cleanupOnCrash != null) {
            Runtime.getRuntime().removeShutdownHook(cleanupOnCrash);
        }
    }
}
