package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(1)
class SingleNodeLockTest {

    static final Vertx vertx = LockTestSupport.vertx();

    @Test
    void grantsReleasesAndRefusesWhileHeld(RedisNodes nodes) {
        try (DistributedLocks a = LockTestSupport.locks(vertx, nodes); DistributedLocks b = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("test", "basic");
            Lease first = a.blocking().tryAcquire(name, Duration.ofSeconds(5));
            assertThat(first.isValid()).isTrue();
            assertThatThrownBy(() -> b.blocking().tryAcquire(name, Duration.ofSeconds(5)))
                    .isInstanceOf(LockBusyException.class)
                    .hasMessageContaining("test:basic");
            a.blocking().release(first);
            Lease second = b.blocking().tryAcquire(name, Duration.ofSeconds(5));
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            b.blocking().release(second);
        }
    }

    @Test
    void scriptsAreLoadedAgainAfterTheNodeForgetsThem(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("test", "noscript");
            locks.blocking().release(locks.blocking().tryAcquire(name, Duration.ofSeconds(5)));
            RedisAPI admin = RedisAPI.api(Redis.createClient(vertx, nodes.node(0).uri()));
            admin.script(List.of("FLUSH")).await().indefinitely(); // as after a restart: EVALSHA now answers NOSCRIPT
            Lease again = locks.blocking().tryAcquire(name, Duration.ofSeconds(5));
            locks.blocking().release(again);
            assertThat(admin.exists(List.of("lock:{test:noscript}")).await().indefinitely().toInteger()).isZero();
            admin.close();
        }
    }

    @Test
    void waiterGetsTheLockSoonAfterRelease(RedisNodes nodes) {
        try (DistributedLocks a = LockTestSupport.locks(vertx, nodes); DistributedLocks b = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("test", "wait");
            Lease held = a.blocking().tryAcquire(name, Duration.ofSeconds(30));
            vertx.setTimer(300, id -> held.release().subscribe().with(x -> { }));
            long start = System.nanoTime();
            Lease next = b.blocking().acquire(name, Duration.ofSeconds(5), Duration.ofSeconds(5));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(waitedMs).isBetween(250L, 5_000L);
            assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
            b.blocking().release(next);
        }
    }
}
