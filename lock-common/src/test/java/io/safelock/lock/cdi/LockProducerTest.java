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
        assertThat(locks.quorumAvailable().await().atMost(Duration.ofSeconds(5))).isTrue();
        Lease lease = blocking.tryAcquire(LockName.of("quarkus", "1"), Duration.ofSeconds(5));
        assertThat(lease.fencingToken()).isPositive();
        blocking.release(lease);
    }
}
