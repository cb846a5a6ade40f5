package io.safelock.counter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.safelock.counter.service.LockedUpdate;
import io.safelock.counter.store.CounterStore;
import io.safelock.counter.store.Keys;
import io.safelock.counter.support.InMemoryLocksProfile;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.Lease;
import io.safelock.lock.LockInfo;
import io.safelock.lock.LockName;
import io.safelock.lock.Locks;
import io.safelock.testsupport.fake.InMemoryLocks;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Locked mode as a unit test: the service's {@code Locks} are lock-test-fake's {@link InMemoryLocks}, with no
 * lock node running ({@link InMemoryLocksProfile}); counter data is in the Redis on 6379 as in every test.
 * Contention, a lost lease and a lost quorum are switched on in the fake instead of staged with redis-server
 * processes, and must give the same answers as with real nodes: 409 {@code lock_timeout}, 409 {@code lock_lost},
 * 503 {@code quorum_unavailable}, each with nothing written.
 */
@QuarkusTest
@TestProfile(InMemoryLocksProfile.class)
class LockedUpdateInMemoryTest {

    private static final Duration AWAIT = Duration.ofSeconds(10);

    @Inject
    InMemoryLocks locks;
    @Inject
    Locks servicesLocks;
    @Inject
    DistributedLocks realLocks;
    @Inject
    CounterStore store;
    @Inject
    Keys keys;

    private static String unique(String what) {
        return what + "-" + UUID.randomUUID();
    }

    private static Response increment(String name, String body) {
        return given().contentType(ContentType.JSON).body(body).post("/counters/{name}/increment", name);
    }

    private static long value(String name) {
        return given().get("/counters/{name}", name).then().statusCode(200).extract().jsonPath().getLong("value");
    }

    @Test
    void theServiceLocksInMemoryAndNoLockNodeIsThere() {
        assertThat(servicesLocks).as("what LockedUpdate and QueueConsumer get").isSameAs(locks);
        assertThat(realLocks.settings().nodes().toString()).contains("127.0.0.1:1");
        assertThat(realLocks.quorumAvailable().await().atMost(AWAIT)).as("no lock node answers").isFalse();
    }

    @Test
    void lockedIncrementsAreFencedWithRisingTokens() {
        String name = unique("fake-locked");
        long first = increment(name, "{\"by\": 5, \"mode\": \"locked\"}").then().statusCode(200)
                .body("value", equalTo(5)).body("mode", equalTo("locked")).extract().jsonPath().getLong("fencingToken");
        long second = increment(name, "{\"mode\": \"locked\"}").then().statusCode(200)
                .body("value", equalTo(6)).extract().jsonPath().getLong("fencingToken");
        assertThat(second).isGreaterThan(first);
        assertThat(value(name)).isEqualTo(6);
        assertThat(locks.isLocked(LockedUpdate.lockName(name)).await().atMost(AWAIT)).as("released after the update").isFalse();
    }

    @Test
    void aBusyLockIs409LockTimeoutAndNothingIsWritten() {
        String name = unique("fake-busy");
        Lease other = locks.tryAcquire(LockedUpdate.lockName(name), Duration.ofSeconds(30)).await().atMost(AWAIT);
        try {
            increment(name, "{\"mode\": \"locked\"}").then().statusCode(409).header("Retry-After", "1")
                    .body("reason", equalTo("lock_timeout")).body("lock", equalTo("counter:" + name))
                    .body("waited_ms", greaterThanOrEqualTo(InMemoryLocksProfile.WAIT_TIMEOUT_MS));
        } finally {
            other.release().await().atMost(AWAIT);
        }
        assertThat(value(name)).isZero();
        increment(name, "{\"mode\": \"locked\"}").then().statusCode(200).body("value", equalTo(1));
    }

    /** The lease is lost while the update thinks between its read and its write: 409 lock_lost, the write never happens. */
    @Test
    void aLeaseLostBeforeTheWriteIs409LockLostAndNothingIsWritten() throws Exception {
        String name = unique("fake-lost");
        LockName lock = LockedUpdate.lockName(name);
        CompletableFuture<Response> answer = CompletableFuture.supplyAsync(
                () -> increment(name, "{\"by\": 7, \"mode\": \"locked\", \"thinkTimeMs\": 1000}"));
        // the update has read: it claimed the counter's fence for its lease's token, and thinks for a second
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!readUnderTheLock(name, lock)) {
            assertThat(System.nanoTime()).as("the update took the lock and read").isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat(locks.loseLease(lock)).isTrue();

        answer.get(AWAIT.toSeconds(), TimeUnit.SECONDS).then().statusCode(409).header("Retry-After", "1")
                .body("reason", equalTo("lock_lost")).body("lock", equalTo("counter:" + name))
                .body("error", containsString("nothing was written"));
        assertThat(value(name)).isZero();
        increment(name, "{\"mode\": \"locked\"}").then().statusCode(200).body("value", equalTo(1));
    }

    private boolean readUnderTheLock(String name, LockName lock) {
        LockInfo held = locks.inspect(lock).await().atMost(AWAIT);
        Long fence = store.getKey(keys.fence(name)).await().atMost(AWAIT);
        return held.locked() && fence != null && fence == held.fencingToken();
    }

    @Test
    void noQuorumIs503QuorumUnavailable() {
        String name = unique("fake-quorum");
        locks.failQuorum(true);
        try {
            increment(name, "{\"mode\": \"locked\"}").then().statusCode(503).header("Retry-After", "1")
                    .body("reason", equalTo("quorum_unavailable")).body("failed_nodes.'" + InMemoryLocks.NODE + "'", containsString("failQuorum"));
        } finally {
            locks.failQuorum(false);
        }
        assertThat(value(name)).isZero();
        increment(name, "{\"mode\": \"locked\"}").then().statusCode(200).body("value", equalTo(1));
    }
}
