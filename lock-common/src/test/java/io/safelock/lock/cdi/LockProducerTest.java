package io.safelock.lock.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.lock.BlockingLocks;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.Lease;
import io.safelock.lock.LockName;
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
        blocking.release(lease);
    }

    @Test
    void waitingWorksUnderQuarkusSchedulers() {
        // Under Quarkus, Mutiny's timers are Vert.x timers, which refuse delays under 1 ms: backoff with
        // full jitter must never ask for one, or a waiter would hang.
        LockName name = LockName.of("quarkus", "contended");
        for (int round = 0; round < 20; round++) {
            Lease held = blocking.tryAcquire(name, Duration.ofSeconds(5));
            locks.acquire(name, Duration.ofSeconds(5), Duration.ofMillis(3))
                    .onFailure().recoverWithNull().await().atMost(Duration.ofSeconds(5));
            var waiter = locks.acquire(name, Duration.ofSeconds(5), Duration.ofSeconds(5)).subscribeAsCompletionStage();
            blocking.release(held);
            blocking.release(waiter.join());
        }
    }
}
