package io.safelock.lock.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.lock.BlockingLocks;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.Lease;
import io.safelock.lock.LockName;
import io.safelock.lock.Locks;
import io.safelock.testsupport.RedisNodesTestResource;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The library as a Quarkus application sees it: beans discovered, configured from lock.*. */
@QuarkusTest
@QuarkusTestResource(value = RedisNodesTestResource.class, initArgs = @ResourceArg(name = "count", value = "3"))
class LockProducerTest {

    @Inject
    DistributedLocks locks;

    @Inject
    BlockingLocks blocking;

    @Inject
    Locks asInterface;

    @Test
    void injectedLocksUseTheConfiguredNodes() {
        assertThat(locks.settings().nodes()).hasSize(3);
        assertThat(locks.quorum()).isEqualTo(2);
        assertThat(locks.settings().leaseTtl()).isEqualTo(Duration.ofSeconds(7)); // from application.properties
        // the first PINGs may still be opening connections on a busy machine: ask a few times
        boolean available = false;
        for (int i = 0; i < 20 && !available; i++) {
            available = locks.quorumAvailable().await().atMost(Duration.ofSeconds(5));
        }
        assertThat(available).isTrue();
        Lease lease = blocking.tryAcquire(LockName.of("quarkus", "1"), Duration.ofSeconds(5));
        assertThat(lease.fencingToken()).isPositive();
        assertThat(blocking.inspect(LockName.of("quarkus", "1")).owner().service())
                .as("the holder's service is the application's name").isEqualTo("lock-owner-check");
        blocking.release(lease);
    }

    /** A service that injects the interface gets the one DistributedLocks bean, configured from lock.*. */
    @Test
    void theInterfaceResolvesToTheSameBean() {
        assertThat(asInterface).isSameAs(locks);
        assertThat(asInterface.leaseTtl()).isEqualTo(Duration.ofSeconds(7));
        assertThat(asInterface.waitTimeout()).isEqualTo(locks.settings().waitTimeout());
        Integer answer = asInterface.withLock(LockName.of("quarkus", "via-interface"), guard -> io.smallrye.mutiny.Uni.createFrom().item(42))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(answer).isEqualTo(42);
    }

    @Test
    void waitingWorksUnderQuarkusSchedulers() {
        // Under Quarkus, Mutiny's timers are Vert.x timers, which refuse delays under 1 ms. A holder that
        // never releases sends no notification, so the waiter depends on its backoff timers alone:
        // with full jitter from 2 ms, a refused sub-millisecond timer would leave it hanging.
        for (int round = 0; round < 10; round++) {
            LockName name = LockName.of("quarkus", "abandoned-" + round);
            // long enough for a busy machine to grant it in time (a grant slower than its lease is refused)
            Lease abandoned = blocking.tryAcquire(name, Duration.ofMillis(400));
            Lease next = locks.acquire(name, Duration.ofSeconds(5), Duration.ofSeconds(3)).await().atMost(Duration.ofSeconds(5));
            assertThat(next.fencingToken()).isGreaterThan(abandoned.fencingToken());
            blocking.release(next);
        }
    }
}
