package io.safelock.counter.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.testsupport.ServiceProcess;
import io.safelock.testsupport.http.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replica holding a counter's lock in {@code locked} mode is frozen (SIGSTOP) after its read, past its
 * lease; the other replica takes the lock, reads, and while it thinks the frozen replica is woken (SIGCONT)
 * and tries to write: the order in which a write fenced only at the SET loses an update. Every
 * acknowledged increment must count in the final value, and none that was not acknowledged.
 */
class PausedHolderIT {

    static final int ROUNDS = 3;
    static final int THINK_MS = 1000;

    static ReplicaCluster cluster;

    @BeforeAll
    static void start() {
        // a 1 s lease that the frozen replica cannot extend; DEBUG shows when each replica has read
        cluster = ReplicaCluster.start("paused", 2, Map.of("lock.lease-ttl", "1s", "lock.wait-timeout", "10s",
                "quarkus.log.category.\"io.safelock.counter.service\".level", "DEBUG"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyAcknowledgedIncrementCountsWhenAHolderIsFrozenPastItsLease() {
        ServiceProcess frozen = cluster.replica(0);
        ServiceProcess other = cluster.replica(1);
        List<String> answers = new ArrayList<>();
        int acknowledged = 0;
        String counter = "paused-" + cluster.id;
        for (int round = 1; round <= ROUNDS; round++) {
            long frozenReads = reads(frozen, counter);
            CompletableFuture<Http.Result> stale = increment(0, counter);
            awaitRead(frozen, counter, frozenReads);
            frozen.pause();
            try {
                // waits for the frozen replica's lease to run out, reads, thinks THINK_MS
                long otherReads = reads(other, counter);
                CompletableFuture<Http.Result> fresh = increment(1, counter);
                awaitRead(other, counter, otherReads);
                frozen.resume();
                Http.Result staleReply = stale.join();
                Http.Result freshReply = fresh.join();
                answers.add("round " + round + ": frozen " + staleReply.status() + " " + staleReply.text()
                        + " | other " + freshReply.status() + " " + freshReply.text());
                for (Http.Result reply : List.of(staleReply, freshReply)) {
                    // a stale holder refused by the fence, or one that waited out its lock, is a 409 of the
                    // shared contract with nothing written; never a 5xx
                    assertThat(reply.status()).as("%s", answers).isIn(200, 409);
                    if (reply.status() == 409) {
                        assertThat(reply.body().path("reason").asText()).as("%s", answers).isIn("lock_lost", "lock_timeout");
                    }
                    acknowledged += reply.status() == 200 ? 1 : 0;
                }
            } finally {
                frozen.resume();
            }
        }
        answers.forEach(System.out::println);
        assertThat(cluster.value(1, counter)).as("final value = acknowledged increments; %s%s", answers, cluster.logs())
                .isEqualTo(acknowledged);
    }

    private static CompletableFuture<Http.Result> increment(int replica, String counter) {
        return CompletableFuture.supplyAsync(() -> Http.post(cluster.url(replica, "/counters/" + counter + "/increment"),
                "{\"by\": 1, \"mode\": \"locked\", \"thinkTimeMs\": " + THINK_MS + "}"));
    }

    /** Until the replica has logged one more read of the counter inside the lock than {@code before}. */
    private static void awaitRead(ServiceProcess replica, String counter, long before) {
        Awaiting.until(replica.name() + " reading " + counter + " inside the lock", Duration.ofSeconds(30),
                () -> reads(replica, counter) > before);
    }

    /** Reads of the counter inside the lock that the replica has logged so far (DEBUG). */
    private static long reads(ServiceProcess replica, String counter) {
        String marker = "in critical section of " + counter + ":";
        return replica.log().lines().filter(line -> line.contains(marker)).count();
    }
}
