package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.lock.config.LockSettings;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad configuration and bad arguments fail at once, saying what is wrong. */
class ValidationTest {

    static Vertx vertx;
    static DistributedLocks locks;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        // nothing listens on port 1: the argument checks must fire before any Redis call
        locks = DistributedLocks.create(vertx, LockSettings.builder("redis://127.0.0.1:1").build(), null);
    }

    @AfterAll
    static void stop() {
        locks.close();
        vertx.closeAndAwait();
    }

    @Test
    void anEvenNumberOfNodesIsRefused() {
        assertThatThrownBy(() -> LockSettings.builder("redis://a:1", "redis://b:2").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd number");
        assertThatThrownBy(() -> LockSettings.builder(List.of("redis://a:1", "redis://b:2", "redis://c:3", "redis://d:4")).build())
                .hasMessageContaining("has 4 nodes");
    }

    @Test
    void malformedNodeUrisAreRefused() {
        assertThatThrownBy(() -> LockSettings.builder("http://127.0.0.1:6379").build()).hasMessageContaining("must start with redis://");
        assertThatThrownBy(() -> LockSettings.builder("redis://").build()).hasMessageContaining("redis://");
        assertThatThrownBy(() -> LockSettings.builder("redis://127.0.0.1:99999").build()).hasMessageContaining("redis://127.0.0.1:99999");
        assertThatThrownBy(() -> LockSettings.builder("not a uri").build()).hasMessageContaining("not a uri");
        assertThatThrownBy(() -> LockSettings.builder(List.of()).build()).hasMessageContaining("empty");
        assertThatThrownBy(() -> LockSettings.builder("redis://a:1", "redis://a:1", "redis://b:1").build()).hasMessageContaining("twice");
    }

    @Test
    void badTimingsAreRefused() {
        assertThatThrownBy(() -> LockSettings.builder("redis://a:1").leaseTtl(Duration.ZERO).build()).hasMessageContaining("lock.lease-ttl");
        assertThatThrownBy(() -> LockSettings.builder("redis://a:1").nodeTimeout(Duration.ofMillis(-1)).build()).hasMessageContaining("node-timeout");
        assertThatThrownBy(() -> LockSettings.builder("redis://a:1").clockDriftFactor(0.7).build()).hasMessageContaining("clock-drift-factor");
        assertThatThrownBy(() -> LockSettings.builder("redis://a:1").renewFraction(1.0).build()).hasMessageContaining("renew-fraction");
        assertThatThrownBy(() -> LockSettings.builder("redis://a:1").initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1)).build())
                .hasMessageContaining("max-backoff");
    }

    @Test
    void badLockNamesAreRefused() {
        assertThatThrownBy(() -> LockName.of(null, "1")).isInstanceOf(NullPointerException.class).hasMessageContaining("group");
        assertThatThrownBy(() -> LockName.of("product", " ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> LockName.parse("")).hasMessageContaining("blank");
        assertThatThrownBy(() -> LockName.of("a:b", "1")).hasMessageContaining("':'");
        assertThatThrownBy(() -> LockName.of("product", "{1}")).hasMessageContaining("'{'");
        assertThatThrownBy(() -> LockName.of("product", "x".repeat(600))).hasMessageContaining("longer than");
        assertThatThrownBy(() -> locks.tryAcquire((LockName) null, Duration.ofSeconds(1))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void badTtlAndWaitAreRefused() {
        LockName name = LockName.of("validation", "1");
        assertThatThrownBy(() -> locks.tryAcquire(name, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> locks.tryAcquire(name, Duration.ofSeconds(-5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> locks.tryAcquire(name, null)).isInstanceOf(NullPointerException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> locks.acquire(name, Duration.ofSeconds(1), Duration.ofSeconds(-1))).hasMessageContaining("maxWait");
        assertThatThrownBy(() -> locks.withLock(name, Duration.ofSeconds(1), Duration.ofSeconds(1), null)).hasMessageContaining("work");
    }

    @Test
    void anUnreachableNodeIsReportedByName() {
        assertThatThrownBy(() -> locks.blocking().tryAcquire(LockName.of("validation", "down"), Duration.ofSeconds(1)))
                .isInstanceOf(QuorumUnavailableException.class).hasMessageContaining("127.0.0.1:1");
    }
}
