package io.safelock.lock.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.lock.LockName;
import io.safelock.lock.primitives.Hold;
import io.safelock.lock.primitives.LockPrimitives;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The primitives as a Quarkus application sees them: injectable, on the configured nodes and heartbeat. */
@QuarkusTest
@QuarkusTestResource(value = io.safelock.testsupport.RedisNodesTestResource.class, initArgs = @ResourceArg(name = "count", value = "3"))
class PrimitivesProducerTest {

    @Inject
    LockPrimitives primitives;

    @Test
    void injectedPrimitivesUseTheConfiguredNodes() {
        assertThat(primitives.quorum()).isEqualTo(2);
        assertThat(primitives.fair().waiterHeartbeat()).isEqualTo(Duration.ofMillis(800)); // from application.properties
        Hold permit = primitives.semaphores().of(LockName.of("quarkus", "sem"), 2).acquire(1, Duration.ofSeconds(20))
                .await().atMost(Duration.ofSeconds(30));
        assertThat(permit.fencingToken()).isPositive();
        permit.release().await().atMost(Duration.ofSeconds(5));
    }
}
