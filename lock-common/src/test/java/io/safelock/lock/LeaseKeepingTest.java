package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.lock.config.LockSettings;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The background extension of a lease inside withLock, and what the guard tells the work. */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(1)
class LeaseKeepingTest {

    static final Vertx vertx = LockTestSupport.vertx();

    @Test
    void oneFailedExtensionDoesNotAbandonALeaseWithValidityLeft(RedisNodes nodes) {
        LockSettings settings = LockTestSupport.settings(nodes).nodeTimeout(Duration.ofMillis(100)).build();
        try (DistributedLocks locks = LockTestSupport.ready(DistributedLocks.create(vertx, settings, null))) {
            LockName name = LockName.of("keep", "retry");
            // TTL 2 s: the first extension is due at ~660 ms; the node is stopped from 400 ms to 1,100 ms,
            // so that extension times out, but the lease is valid until ~1,980 ms: a retry must keep it.
            String result = locks.withLock(name, Duration.ofSeconds(2), Duration.ofSeconds(1), guard ->
                    Uni.createFrom().item(() -> {
                        CancellationTest.sleep(400);
                        nodes.node(0).pause();
                        CancellationTest.sleep(700);
                        nodes.node(0).resume();
                        CancellationTest.sleep(1_500);
                        return guard.isLost() ? "lost" : "kept";
                    }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                    .await().atMost(Duration.ofSeconds(10));
            assertThat(result).isEqualTo("kept");
        }
    }

    @Test
    void aLostLeaseIsNoLongerValid(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("keep", "lost");
            java.util.concurrent.CompletableFuture<Boolean> validAfterLoss = new java.util.concurrent.CompletableFuture<>();
            try {
                locks.withLock(name, Duration.ofMillis(900), Duration.ofSeconds(1), guard ->
                        Uni.createFrom().item(() -> {
                            LeaseLifecycleTest.deleteKeyEverywhere(nodes, name);
                            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                            while (!guard.isLost() && System.nanoTime() < deadline) {
                                CancellationTest.sleep(5);
                            }
                            validAfterLoss.complete(guard.lease().isValid());
                            return "done";
                        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())).await().atMost(Duration.ofSeconds(5));
            } catch (LeaseLostException expected) {
                // the work finished after the loss
            }
            assertThat(validAfterLoss.join()).as("Lease.isValid() once the guard says lost (validity time not yet over)").isFalse();
        }
    }

    @Test
    void aSubscriberThatCancelsWhenLostDoesNotMarkTheLeaseLost(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("keep", "view");
            AtomicBoolean lostAfterCancel = new AtomicBoolean(true);
            locks.withLock(name, Duration.ofSeconds(5), Duration.ofSeconds(1), guard -> {
                guard.whenLost().subscribe().with(x -> { }).cancel();
                lostAfterCancel.set(guard.isLost());
                return Uni.createFrom().item("done");
            }).await().atMost(Duration.ofSeconds(5));
            assertThat(lostAfterCancel).as("isLost() after one subscriber cancelled its whenLost()").isFalse();
        }
    }
}
