package io.safelock.counter.it;

import io.safelock.testsupport.http.Http;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two replicas (separate JVMs of the packaged service) hammer one counter at the same time, each with
 * concurrent workers: the same load in every mode.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaceAcrossReplicasIT {

    static final int WORKERS = 8;
    static final int INCREMENTS = 25;
    static final int THINK_MS = 3;
    static final int EXPECTED = 2 * WORKERS * INCREMENTS;

    static ReplicaCluster cluster;

    @BeforeAll
    static void start() {
        cluster = ReplicaCluster.start("race", 2, Map.of());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Both replicas run the experiment on the same counter at once; the results of both. */
    static List<JsonNode> raceOnBoth(String counter, String mode, int workers, int increments, int thinkMs) {
        List<CompletableFuture<JsonNode>> runs = new ArrayList<>();
        for (int replica = 0; replica < 2; replica++) {
            int r = replica;
            runs.add(CompletableFuture.supplyAsync(() -> cluster.race(r, counter, mode, workers, increments, thinkMs)));
        }
        return runs.stream().map(CompletableFuture::join).toList();
    }

    @Test
    @Order(1)
    void unsafeLosesUpdates() {
        String counter = "unsafe-" + cluster.id;
        List<JsonNode> results = raceOnBoth(counter, "unsafe", WORKERS, INCREMENTS, THINK_MS);
        long accepted = results.stream().mapToLong(r -> r.get("expected").asLong()).sum();
        long finalValue = cluster.value(0, counter);
        System.out.printf("unsafe: %d increments accepted by 2 replicas, counter ended at %d: %d lost%n", accepted, finalValue,
                accepted - finalValue);
        assertThat(accepted).isEqualTo(EXPECTED);
        assertThat(finalValue).as("lost updates with 2 replicas x %d workers", WORKERS).isLessThan(EXPECTED);
        assertThat(results).allSatisfy(r -> assertThat(r.get("lost").asLong()).isGreaterThan(0));
    }

    @Test
    @Order(2)
    void lockedIsExact() {
        assertExact("locked", THINK_MS);
    }

    @Test
    @Order(3)
    void atomicIsExact() {
        assertExact("atomic", 0);
    }

    @Test
    @Order(4)
    void queuedIsExact() {
        assertExact("queued", 0);
    }

    /**
     * Fair mode on both replicas at once: exact, and each replica's FIFO check (every grant of both replicas
     * while its run went on, in grant order, against the order of arrival at the lock nodes) finds none out of order.
     */
    @Test
    @Order(8)
    void fairIsExactAndServesBothReplicasInOrderOfArrival() {
        String counter = "fair-" + cluster.id;
        List<JsonNode> results = raceOnBoth(counter, "fair", WORKERS, INCREMENTS, THINK_MS);
        long finalValue = cluster.value(0, counter);
        System.out.printf("fair: results %s, counter ended at %d%n", results, finalValue);
        assertThat(finalValue).isEqualTo(EXPECTED);
        assertThat(results).allSatisfy(r -> {
            assertThat(r.get("failed").asLong()).isZero();
            assertThat(r.path("fifo").path("inOrder").asBoolean()).as("FIFO check of %s", r).isTrue();
            assertThat(r.path("fifo").path("inversions").asLong()).isZero();
            assertThat(r.path("fifo").path("grants").asLong()).as("grants seen, this replica's and the other's")
                    .isGreaterThanOrEqualTo(WORKERS * INCREMENTS);
        });
    }

    private static void assertExact(String mode, int thinkMs) {
        String counter = mode + "-" + cluster.id;
        List<JsonNode> results = raceOnBoth(counter, mode, WORKERS, INCREMENTS, thinkMs);
        long finalValue = cluster.value(1, counter);
        System.out.printf("%s: results %s, counter ended at %d%n", mode, results, finalValue);
        assertThat(results).allSatisfy(r -> {
            assertThat(r.get("failed").asLong()).isZero();
            assertThat(r.get("completed").asBoolean()).isTrue();
        });
        assertThat(finalValue).isEqualTo(EXPECTED);
    }

    @Test
    @Order(5)
    void oneProducersQueuedRequestsAreAppliedInOrderAcrossReplicas() {
        String counter = "fifo-" + cluster.id;
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            // one producer, alternating between the replicas; consumers of both replicas compete for the queue
            JsonNode accepted = Http.postExpect(cluster.url(i % 2, "/counters/" + counter + "/increment"),
                    "{\"by\": " + i + ", \"mode\": \"queued\"}", 202);
            assertThat(accepted.get("position").asLong()).isEqualTo(i);
            ids.add(accepted.get("requestId").asText());
        }
        Awaiting.until("all 50 queued requests applied", java.time.Duration.ofSeconds(30), () -> ids.stream()
                .allMatch(id -> "applied".equals(Http.getOk(cluster.url(0, "/queue/requests/" + id)).get("status").asText())));
        long value = 0;
        for (int i = 1; i <= 50; i++) {
            JsonNode status = Http.getOk(cluster.url(1, "/queue/requests/" + ids.get(i - 1)));
            value += i;
            assertThat(status.get("appliedIndex").asLong()).as("request %d applied in queue order", i).isEqualTo(i);
            assertThat(status.get("valueAfter").asLong()).isEqualTo(value);
        }
        assertThat(cluster.value(0, counter)).isEqualTo(value);
    }

    @Test
    @Order(6)
    void savesTheMetricsAfterLockedAndQueuedUpdates() throws IOException {
        String metrics = Http.get(cluster.url(0, "/q/metrics")).text();
        assertThat(metrics).contains("counter_updates_total{mode=\"locked\"}", "counter_updates_total{mode=\"queued\"}",
                "counter_lost_updates_total", "counter_queue_depth", "counter_queue_oldest_age_seconds",
                "counter_events_consumed_total{source=\"notification\"}", "lock_acquire_seconds_bucket", "lock_held");
        assertThat(cluster.metric(0, "counter_lost_updates_total")).isGreaterThan(0);
        Path dir = Path.of(System.getProperty("counter.it.metrics-dir", "target/metrics"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("q-metrics.txt"), metrics);
    }

    @Test
    @Order(7)
    void redlockStaysExactWithTwoOfFiveNodesKilledMidRun() throws Exception {
        String counter = "redlock-" + cluster.id;
        CompletableFuture<List<JsonNode>> run = CompletableFuture.supplyAsync(() -> raceOnBoth(counter, "locked", WORKERS, 40, 2));
        Thread.sleep(700);
        assertThat(run).as("still running when the nodes die").isNotDone();
        cluster.lockNodes.node(0).kill();
        cluster.lockNodes.node(3).kill();
        try {
            List<JsonNode> results = run.get(150, java.util.concurrent.TimeUnit.SECONDS);
            long accepted = results.stream().mapToLong(r -> r.get("expected").asLong()).sum();
            long failed = results.stream().mapToLong(r -> r.get("failed").asLong()).sum();
            long finalValue = cluster.value(0, counter);
            System.out.printf("redlock with 2 of 5 nodes killed: %d accepted, %d failed, counter %d%n", accepted, failed, finalValue);
            assertThat(failed).isZero();
            assertThat(finalValue).isEqualTo(accepted).isEqualTo(2L * WORKERS * 40);
            String deadNode = cluster.lockNodes.node(0).uri().substring("redis://".length());
            assertThat(cluster.sumOf(0, "lock_node_errors_total{node=\"" + deadNode + "\""))
                    .as("the replica noticed the dead node").isGreaterThan(0);
        } finally {
            cluster.lockNodes.healAll();
        }
    }
}
