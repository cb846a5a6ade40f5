package io.safelock.counter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.safelock.counter.service.LockedUpdate;
import io.safelock.counter.store.CounterStore;
import io.safelock.counter.store.Keys;
import io.safelock.counter.store.ScriptRunner;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.Lease;
import io.safelock.testsupport.http.AdminToken;
import io.vertx.mutiny.redis.client.Command;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
class CounterResourceTest {

    /** A fence no token of the lock nodes reaches: their fence sequence follows their clock in µs (about 1.8e15). */
    static final long FENCE_AHEAD_OF_EVERY_TOKEN = 4_000_000_000_000_000_000L;

    @Inject
    CounterStore store;
    @Inject
    ScriptRunner redis;
    @Inject
    Keys keys;
    @Inject
    DistributedLocks locks;

    static String unique(String what) {
        return what + "-" + UUID.randomUUID();
    }

    static Response increment(String name, String body) {
        return given().contentType(ContentType.JSON).body(body).post("/counters/{name}/increment", name);
    }

    @Test
    void aNewCounterIsZero() {
        String name = unique("fresh");
        given().get("/counters/{name}", name).then().statusCode(200)
                .body("name", equalTo(name)).body("value", equalTo(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"unsafe", "locked", "atomic"})
    void synchronousModesAnswerWithTheNewValue(String mode) {
        String name = unique(mode);
        increment(name, "{\"by\": 5, \"mode\": \"" + mode + "\"}").then().statusCode(200)
                .body("name", equalTo(name)).body("value", equalTo(5)).body("mode", equalTo(mode))
                .body("replica", startsWith("test-"));
        increment(name, "{\"mode\": \"" + mode.toUpperCase() + "\"}").then().statusCode(200).body("value", equalTo(6));
        given().get("/counters/{name}", name).then().body("value", equalTo(6));
    }

    @Test
    void lockedUpdatesCarryIncreasingFencingTokens() {
        String name = unique("fenced");
        long first = increment(name, "{\"mode\": \"locked\"}").then().statusCode(200).extract().jsonPath().getLong("fencingToken");
        long second = increment(name, "{\"mode\": \"locked\"}").then().statusCode(200).extract().jsonPath().getLong("fencingToken");
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void queuedAnswers202WithAStatusToFollow() {
        String name = unique("queued");
        Response accepted = increment(name, "{\"by\": 7, \"mode\": \"queued\"}");
        accepted.then().statusCode(202).body("requestId", notNullValue()).body("status", equalTo("queued"))
                .body("position", equalTo(1)).body("by", equalTo(7));
        String statusUrl = accepted.jsonPath().getString("statusUrl");
        assertThat(accepted.header("Location")).endsWith(statusUrl);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(statusUrl).then().statusCode(200)
                .body("status", equalTo("applied")).body("valueAfter", equalTo(7)).body("appliedIndex", equalTo(1))
                .body("attempts", equalTo(1)));
        given().get("/counters/{name}", name).then().body("value", equalTo(7));
    }

    @Test
    void resetSetsZero() {
        String name = unique("reset");
        increment(name, "{\"by\": 3, \"mode\": \"atomic\"}").then().statusCode(200);
        given().auth().oauth2(AdminToken.TOKEN).post("/counters/{name}/reset", name).then().statusCode(200).body("value", equalTo(0));
        given().get("/counters/{name}", name).then().body("value", equalTo(0));
        // the reset raised the fence to its own token: the next locked write must still go through
        increment(name, "{\"mode\": \"locked\"}").then().statusCode(200).body("value", equalTo(1));
    }

    /**
     * A counter whose lock another holder keeps: the locked update waits {@code lock.wait-timeout} (5 s, with
     * lock-common's backoff) once, then answers the shared 409 {@code lock_timeout}; nothing is written.
     */
    @Test
    void aBusyLockAfterTheWaitIs409LockTimeoutAfterOneWait() {
        String name = unique("busy");
        Duration wait = Duration.ofSeconds(10);
        Lease other = locks.acquire(LockedUpdate.lockName(name), Duration.ofSeconds(30), wait).await().atMost(wait);
        try {
            long started = System.nanoTime();
            increment(name, "{\"mode\": \"locked\"}").then().statusCode(409).header("Retry-After", "1")
                    .body("reason", equalTo("lock_timeout")).body("lock", equalTo("counter:" + name))
                    .body("waited_ms", org.hamcrest.Matchers.greaterThanOrEqualTo(5000));
            // one wait of lock.wait-timeout, not several in a row
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(9));
        } finally {
            other.release().await().atMost(wait);
        }
        given().get("/counters/{name}", name).then().body("value", equalTo(0));
        increment(name, "{\"mode\": \"locked\"}").then().statusCode(200).body("value", equalTo(1));
    }

    /**
     * A holder with a later token has claimed the counter (it has read and is about to write) when a reset
     * comes in: the reset must not set the fence back, or that holder's write would lose to older ones.
     */
    @Test
    void aResetNeverLowersTheFence() {
        String name = unique("reset-fenced");
        increment(name, "{\"by\": 3, \"mode\": \"locked\"}").then().statusCode(200);
        redis.send(Command.SET, keys.fence(name), Long.toString(FENCE_AHEAD_OF_EVERY_TOKEN)).await().atMost(Duration.ofSeconds(5));

        // the shared contract: a write refused by the fence is a lost lease, 409 lock_lost with Retry-After
        given().auth().oauth2(AdminToken.TOKEN).post("/counters/{name}/reset", name).then().statusCode(409)
                .header("Retry-After", "1").body("reason", equalTo("lock_lost")).body("error", containsString("refused"));
        given().get("/counters/{name}", name).then().body("value", equalTo(3));
        assertThat(store.getKey(keys.fence(name)).await().atMost(Duration.ofSeconds(5))).isEqualTo(FENCE_AHEAD_OF_EVERY_TOKEN);
        increment(name, "{\"mode\": \"locked\"}").then().statusCode(409).body("reason", equalTo("lock_lost"));
        given().get("/counters/{name}", name).then().body("value", equalTo(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"mode\": \"sideways\"}",
            "{\"by\": 1}",
            "{\"by\": 0, \"mode\": \"atomic\"}",
            "{\"by\": -4, \"mode\": \"locked\"}",
            "{\"by\": 1000001, \"mode\": \"atomic\"}",
            "{\"by\": 99999999999999999999999, \"mode\": \"atomic\"}",
            "{\"by\": 1.5, \"mode\": \"atomic\"}",
            "{\"by\": \"two\", \"mode\": \"atomic\"}",
            "{\"mode\": \"unsafe\", \"thinkTimeMs\": 100000}",
            "{\"mode\": \"unsafe\", \"thinkTimeMs\": -1}",
            "{\"mode\": ",
            "[1, 2]",
            "null",
            ""})
    void badBodiesAre400WithAnError(String body) {
        increment(unique("bad"), body).then().statusCode(400).contentType(ContentType.JSON).body("error", notNullValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "has space", "-leading-dash", "semi;colon", "colon:name", "ümlaut"})
    void badNamesAre400(String name) {
        given().get("/counters/{name}", name).then().statusCode(400).body("error", notNullValue());
        increment(name, "{\"mode\": \"atomic\"}").then().statusCode(400).body("error", notNullValue());
    }

    @Test
    void overLongNamesAre400() {
        given().get("/counters/{name}", "n".repeat(129)).then().statusCode(400).body("error", startsWith("counter name must be at most"));
        given().get("/counters/{name}", "n".repeat(128)).then().statusCode(200);
    }

    @Test
    void nonJsonContentTypeIs415AndUnknownRouteIs404WithJson() {
        // text/plain, curl's form type and no content type are read as JSON (HttpContractTest); XML is refused
        given().contentType(ContentType.XML).body("<x/>").post("/counters/{name}/increment", "ct").then().statusCode(415)
                .body("error", notNullValue());
        given().get("/nowhere").then().statusCode(404).body("error", notNullValue());
        given().get("/queue/requests/{id}", UUID.randomUUID().toString()).then().statusCode(404).body("error", notNullValue());
    }

    @Test
    void overflowIs409InEverySynchronousModeAndFailsAQueuedRequest() {
        String name = unique("overflow");
        store.set(name, Long.MAX_VALUE - 1).await().atMost(Duration.ofSeconds(5));
        for (String mode : new String[] {"unsafe", "locked", "atomic"}) {
            increment(name, "{\"by\": 5, \"mode\": \"" + mode + "\"}").then().statusCode(409).body("error", notNullValue());
        }
        String statusUrl = increment(name, "{\"by\": 5, \"mode\": \"queued\"}").then().statusCode(202).extract().jsonPath().getString("statusUrl");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(statusUrl).then()
                .body("status", equalTo("failed")).body("error", notNullValue()));
        given().get("/counters/{name}", name).then().body("value", equalTo(Long.MAX_VALUE - 1));
    }
}
