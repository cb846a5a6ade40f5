package io.safelock.counter.it;

import io.safelock.testsupport.http.Http;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.safelock.testsupport.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replica is killed (SIGKILL) while it is applying queued requests. Its request in flight is finished by
 * the surviving replica once the dead one's lease has run out: every request applied exactly once, in order.
 */
class QueueCrashRecoveryIT {

    static final int COUNTERS = 3;
    static final int PER_COUNTER = 20;
    static final int THINK_MS = 150;

    static ReplicaCluster cluster;

    @BeforeAll
    static void start() {
        // a short lease: the survivor may take over 2 s after the crash
        cluster = ReplicaCluster.start("crash", 2, Map.of("counter.queue.lease-ttl", "2s", "counter.queue.batch-size", "8",
                "quarkus.log.category.\"io.safelock.counter.queue\".level", "DEBUG"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void requestsHeldByAKilledReplicaAreAppliedExactlyOnceInOrder() {
        ServiceProcess victim = cluster.replica(0);
        Map<String, List<String>> requests = new LinkedHashMap<>();
        for (int c = 0; c < COUNTERS; c++) {
            requests.put("crash-" + c + "-" + cluster.id, new ArrayList<>());
        }
        for (int i = 0; i < PER_COUNTER; i++) {
            for (Map.Entry<String, List<String>> counter : requests.entrySet()) {
                // each request takes THINK_MS inside the lock: the victim is caught holding one
                JsonNode accepted = Http.postExpect(cluster.url(i % 2, "/counters/" + counter.getKey() + "/increment"),
                        "{\"by\": 1, \"mode\": \"queued\", \"thinkTimeMs\": " + THINK_MS + "}", 202);
                counter.getValue().add(accepted.get("requestId").asText());
            }
        }
        List<JsonNode> heldByVictim = new ArrayList<>();
        Awaiting.until(victim.name() + " holding a queued request", Duration.ofSeconds(20), () -> {
            for (JsonNode inFlight : Http.getOk(cluster.url(1, "/queue")).get("inFlight")) {
                if (inFlight.get("replica").asText().equals(victim.name())) {
                    heldByVictim.add(inFlight);
                }
            }
            return !heldByVictim.isEmpty();
        });
        victim.kill();
        System.out.printf("killed %s while it held %s%n", victim.name(), heldByVictim);

        Awaiting.until("every request applied by the survivor", Duration.ofSeconds(60), () -> requests.values().stream()
                .flatMap(List::stream)
                .allMatch(id -> "applied".equals(Http.getOk(cluster.url(1, "/queue/requests/" + id)).get("status").asText())));

        int recovered = 0;
        for (Map.Entry<String, List<String>> counter : requests.entrySet()) {
            assertThat(cluster.value(1, counter.getKey())).as("value of %s", counter.getKey()).isEqualTo(PER_COUNTER);
            for (int i = 0; i < PER_COUNTER; i++) {
                JsonNode status = Http.getOk(cluster.url(1, "/queue/requests/" + counter.getValue().get(i)));
                assertThat(status.get("position").asLong()).isEqualTo(i + 1);
                assertThat(status.get("appliedIndex").asLong()).as("%s request %d applied once, in order", counter.getKey(), i + 1)
                        .isEqualTo(i + 1);
                assertThat(status.get("valueAfter").asLong()).isEqualTo(i + 1);
                if (status.get("attempts").asInt() > 1) {
                    recovered++;
                    assertThat(status.get("takenBy").asText()).isEqualTo(victim.name());
                    assertThat(status.get("appliedBy").asText()).isEqualTo(cluster.replica(1).name());
                }
            }
        }
        assertThat(recovered).as("requests the survivor took over from the dead replica").isGreaterThanOrEqualTo(1);
        assertThat(cluster.replica(1).log()).contains("recovered request", "left in flight by " + victim.name());
        JsonNode queue = Http.getOk(cluster.url(1, "/queue"));
        assertThat(queue.get("inFlight")).isEmpty();
        Awaiting.until("queue depth gauge back to 0", Duration.ofSeconds(10), () -> cluster.metric(1, "counter_queue_depth") == 0);
    }
}
