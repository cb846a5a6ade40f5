package io.safelock.lock.primitives;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.safelock.lock.LockName;
import io.safelock.lock.config.LockSettings;
import io.safelock.lock.metrics.CurrentHolds;
import io.safelock.lock.metrics.MicrometerLockMetrics;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hold that goes on and on shows while it holds: lock_oldest_hold_seconds grows with it and the hang
 * warning fires once it passes lock.hold-warning; a release brings the gauge back to 0, and an
 * unreleased hold whose lease ran out stops counting.
 */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(1)
class HangTrackingTest {

    static final Vertx vertx = Vertx.vertx();

    @AfterAll
    static void closeVertx() {
        vertx.closeAndAwait();
    }

    @Test
    void theOldestHoldIsVisibleWhileItHolds(RedisNodes nodes) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CurrentHolds holds = new CurrentHolds(Duration.ofMillis(200));
        LockSettings settings = LockSettings.builder(nodes.uris()).connectTimeout(Duration.ofSeconds(5)).nodeTimeout(Duration.ofMillis(500)).build();
        try (LockPrimitives primitives = LockPrimitives.create(vertx, settings, new MicrometerLockMetrics(registry, holds))) {
            LockName name = LockName.of("hang", "1");
            Hold hold = primitives.readWrite().writeLock(name, Duration.ofSeconds(10), Duration.ofSeconds(10)).await().indefinitely();
            assertThat(holds.warnAboutLongHolds()).as("a fresh hold is not past the warning").isZero();
            while (gauge(registry, "hang/write") < 0.2) {
                Thread.sleep(20);
            }
            assertThat(holds.warnAboutLongHolds()).as("holds past lock.hold-warning").isEqualTo(1);
            hold.release().await().indefinitely();
            assertThat(gauge(registry, "hang/write")).isZero();
            assertThat(holds.warnAboutLongHolds()).isZero();

            Hold abandoned = primitives.semaphores().of(name, 2).acquire(1, Duration.ofMillis(100), Duration.ofSeconds(10)).await().indefinitely();
            while (abandoned.isValid()) {
                Thread.sleep(20);
            }
            assertThat(gauge(registry, "hang/permits")).as("a lease that ran out unreleased no longer counts").isZero();
        }
    }

    private static double gauge(SimpleMeterRegistry registry, String group) {
        return registry.get("lock.oldest.hold.seconds").tag("group", group).gauge().value();
    }
}
