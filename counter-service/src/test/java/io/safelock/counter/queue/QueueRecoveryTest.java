package io.safelock.counter.queue;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.safelock.counter.service.LockedUpdate;
import io.safelock.counter.store.CounterStore;
import io.safelock.counter.store.FenceClaim;
import io.safelock.counter.store.Keys;
import io.safelock.counter.store.ScriptRunner;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The queue's hand-off, step by step in one process: a consumer of another replica ("ghost") takes a
 * request under the lock and vanishes without applying it. This replica's consumers must apply that
 * request first, once, and then the rest in order; and writes fenced by an old token are refused.
 */
@QuarkusTest
class QueueRecoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @jakarta.inject.Inject
    DistributedLocks locks;
    @jakarta.inject.Inject
    ScriptRunner redis;
    @jakarta.inject.Inject
    Keys keys;
    @jakarta.inject.Inject
    UpdateQueue queue;
    @jakarta.inject.Inject
    CounterStore store;

    @Test
    void aRequestLeftInFlightByADeadConsumerIsAppliedFirstAndOnce() {
        String counter = "recovery-" + UUID.randomUUID();
        // hold the counter's lock, as the ghost's consumer would, so this replica's consumers wait
        Lease ghostLease = locks.acquire(LockedUpdate.lockName(counter), Duration.ofSeconds(30), WAIT).await().atMost(WAIT);
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            urls.add(given().contentType(ContentType.JSON).body("{\"by\": " + i + ", \"mode\": \"queued\"}")
                    .post("/counters/{name}/increment", counter).then().statusCode(202).extract().jsonPath().getString("statusUrl"));
        }
        String taken = redis.eval(QueueScripts.TAKE, List.of(keys.queue(counter), keys.inFlight(counter), keys.readyCounters()),
                List.of(counter, "ghost", keys.prefix())).await().atMost(WAIT).get(0).toString();
        assertThat(urls.get(0)).endsWith(taken);
        given().get(urls.get(0)).then().body("status", org.hamcrest.Matchers.equalTo("processing"))
                .body("takenBy", org.hamcrest.Matchers.equalTo("ghost"));
        given().get("/queue").then().body("inFlight.replica", org.hamcrest.Matchers.hasItem("ghost"));

        // the ghost dies: its lease is gone (here released; after a crash it expires), its request still in flight
        ghostLease.release().await().atMost(WAIT);

        await().atMost(WAIT).until(() -> urls.stream().allMatch(url -> "applied".equals(given().get(url).jsonPath().getString("status"))));
        JsonPath recovered = given().get(urls.get(0)).jsonPath();
        assertThat(recovered.getInt("attempts")).isEqualTo(2);
        assertThat(recovered.getString("takenBy")).isEqualTo("ghost");
        assertThat(recovered.getString("appliedBy")).startsWith("test-");
        long value = 0;
        for (int i = 1; i <= 4; i++) {
            JsonPath status = given().get(urls.get(i - 1)).jsonPath();
            value += i;
            assertThat(status.getLong("appliedIndex")).as("request %d", i).isEqualTo(i);
            assertThat(status.getLong("valueAfter")).isEqualTo(value);
        }
        assertThat(store.get(counter).await().atMost(WAIT)).isEqualTo(10);
    }

    @Test
    void writesFencedByAnOlderTokenAreRefused() {
        String counter = "fence-" + UUID.randomUUID();
        long older;
        long newer;
        Lease first = locks.acquire(LockedUpdate.lockName(counter), Duration.ofSeconds(5), WAIT).await().atMost(WAIT);
        older = first.fencingToken();
        first.release().await().atMost(WAIT);
        Lease second = locks.acquire(LockedUpdate.lockName(counter), Duration.ofSeconds(5), WAIT).await().atMost(WAIT);
        newer = second.fencingToken();
        assertThat(store.claimAndGet(counter, newer).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class);
        assertThat(store.setIfClaimed(counter, 5, newer).await().atMost(WAIT)).isTrue();
        // the first holder, paused past its lease, wakes up and claims or writes: refused
        assertThat(store.claimAndGet(counter, older).await().atMost(WAIT)).isInstanceOf(FenceClaim.Refused.class);
        assertThat(store.setIfClaimed(counter, 1, older).await().atMost(WAIT)).isFalse();
        second.release().await().atMost(WAIT);
        assertThat(store.get(counter).await().atMost(WAIT)).isEqualTo(5);
    }
}
