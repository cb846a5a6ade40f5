package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.safelock.lock.metrics.MicrometerLockMetrics;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(3)
class MetricsTest {

    static final Vertx vertx = LockTestSupport.vertx();

    @Test
    void everyOutcomeIsCountedByGroup(RedisNodes nodes) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DistributedLocks locks = LockTestSupport.ready(DistributedLocks.create(vertx, LockTestSupport.settings(nodes).build(),
                new MicrometerLockMetrics(registry)));
             DistributedLocks other = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("orders", "42");
            Lease lease = locks.blocking().tryAcquire(name, Duration.ofSeconds(5));
            assertThat(registry.get("lock.held").tag("group", "orders").gauge().value()).isEqualTo(1);
            locks.blocking().extend(lease, Duration.ofSeconds(5));
            locks.blocking().release(lease);
            assertThat(registry.get("lock.held").tag("group", "orders").gauge().value()).isZero();

            Lease foreign = other.blocking().tryAcquire(name, Duration.ofSeconds(5));
            assertThatThrownBy(() -> locks.blocking().tryAcquire(name, Duration.ofSeconds(5))).isInstanceOf(LockBusyException.class);
            assertThatThrownBy(() -> locks.blocking().acquire(name, Duration.ofSeconds(5), Duration.ofMillis(200)))
                    .isInstanceOf(LockWaitTimeoutException.class);
            other.blocking().release(foreign);

            // a lease a busy machine can still grant in time (a grant slower than its lease is refused), released after it expired
            Lease expiring = locks.blocking().tryAcquire(LockName.of("orders", "43"), Duration.ofMillis(400));
            sleep(800);
            locks.blocking().release(expiring);

            assertThatThrownBy(() -> locks.withLock(LockName.of("orders", "44"), Duration.ofMillis(300), Duration.ofSeconds(1), guard -> {
                return Uni.createFrom().voidItem().emitOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                        .invoke(() -> LeaseLifecycleTest.deleteKeyEverywhere(nodes, LockName.of("orders", "44")))
                        .onItem().delayIt().by(Duration.ofSeconds(2));
            }).await().atMost(Duration.ofSeconds(5))).isInstanceOf(LeaseLostException.class);

            nodes.node(0).kill();
            nodes.node(1).kill();
            assertThatThrownBy(() -> locks.blocking().tryAcquire(name, Duration.ofSeconds(5))).isInstanceOf(QuorumUnavailableException.class);
            nodes.healAll();

            assertThat(count(registry, "lock.acquire", "outcome", "acquired")).isEqualTo(3);
            assertThat(count(registry, "lock.acquire", "outcome", "busy")).isEqualTo(1);
            assertThat(count(registry, "lock.acquire", "outcome", "timeout")).isEqualTo(1);
            assertThat(count(registry, "lock.acquire", "outcome", "error")).isEqualTo(1);
            assertThat(registry.get("lock.wait").tag("group", "orders").timer().count()).isEqualTo(3);
            assertThat(registry.get("lock.hold").tag("group", "orders").timer().count()).isEqualTo(3);
            assertThat(registry.get("lock.contended.attempts").tag("group", "orders").counter().count()).isGreaterThanOrEqualTo(2);
            assertThat(registry.get("lock.extensions").tags("group", "orders", "outcome", "ok").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("lock.extensions").tags("group", "orders", "outcome", "failed").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("lock.leases.lost").tag("group", "orders").counter().count()).isEqualTo(1);
            assertThat(registry.get("lock.releases.expired").tag("group", "orders").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("lock.quorum.failures").tag("group", "orders").counter().count()).isEqualTo(1);
            assertThat(registry.get("lock.node.errors").tag("node", "127.0.0.1:" + nodes.node(0).port()).counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum()).isGreaterThanOrEqualTo(1);
            assertThat(registry.find("lock.leases.lost").tag("group", "other").counters()).as("unseen groups have no series").isEmpty();
            assertThat(registry.get("lock.waiting").tag("group", "orders").gauge().value()).isZero();
            assertThat(registry.getMeters()).noneMatch(meter -> meter.getId().getTags().stream().anyMatch(tag -> tag.getValue().equals("42")));
        }
    }

    @Test
    void everyNodeErrorReasonIsRegisteredAtZeroForEveryNode() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new MicrometerLockMetrics(registry).nodes(java.util.List.of("127.0.0.1:7001", "127.0.0.1:7002"));
        for (String node : java.util.List.of("127.0.0.1:7001", "127.0.0.1:7002")) {
            assertThat(registry.find("lock.node.errors").tag("node", node).counters())
                    .extracting(counter -> counter.getId().getTag("reason"))
                    .containsExactlyInAnyOrder("timeout", "client_stall", "connection", "error");
        }
        assertThat(registry.find("lock.node.errors").counters()).allMatch(counter -> counter.count() == 0);
    }

    private static long count(SimpleMeterRegistry registry, String name, String tag, String value) {
        return registry.get(name).tags("group", "orders", tag, value).timer().count();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
