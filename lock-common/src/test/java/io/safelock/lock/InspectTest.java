package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.lock.config.LockSettings;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** isLocked/inspect on Redlock over three nodes, asked from another client than the holder's. */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(3)
class InspectTest {

    static final Vertx vertx = LockTestSupport.vertx();

    @Test
    void anyClientSeesWhoHoldsSinceWhenWithWhichTokenAndWhoWaits(RedisNodes nodes) throws Exception {
        try (DistributedLocks holderSide = LockTestSupport.locks(vertx, nodes); DistributedLocks other = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("inspect", "1");
            assertThat(other.blocking().isLocked(name)).isFalse();

            Lease lease = holderSide.blocking().acquire(name, Duration.ofMillis(400), Duration.ofSeconds(5), "order-7");
            holderSide.blocking().extend(lease, Duration.ofSeconds(10)); // the owner record follows the extension
            Thread.sleep(600); // past the first TTL: without the renewal the record would be gone
            LockInfo info = other.blocking().inspect(name);
            assertThat(info.locked()).isTrue();
            assertThat(info.owner()).isNotNull();
            assertThat(info.owner().label()).isEqualTo("order-7");
            assertThat(info.owner().replica()).isNotBlank();
            assertThat(info.owner().host()).isNotBlank();
            assertThat(info.fencingToken()).isEqualTo(lease.fencingToken());
            assertThat(info.since()).isNotNull().isBeforeOrEqualTo(java.time.Instant.now());
            assertThat(info.timeLeft()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
            assertThat(info.waitingHere()).isZero();

            CompletableFuture<Lease> waiter = other.acquire(name, Duration.ofSeconds(5), Duration.ofSeconds(20)).subscribeAsCompletionStage();
            LockInfo withWaiter = other.blocking().inspect(name);
            for (int i = 0; i < 100 && !withWaiter.othersWaiting(); i++) {
                Thread.sleep(20);
                withWaiter = other.blocking().inspect(name);
            }
            assertThat(withWaiter.waitingHere()).isEqualTo(1);
            assertThat(withWaiter.othersWaiting()).as("the waiting flag set by the waiter's failed attempt").isTrue();

            holderSide.blocking().release(lease);
            Lease next = waiter.join();
            // the owner record is written by the grant itself: there as soon as the lock is
            LockInfo afterHandOver = holderSide.blocking().inspect(name);
            assertThat(afterHandOver.fencingToken()).isEqualTo(next.fencingToken());
            assertThat(afterHandOver.owner().label()).isEmpty();
            other.blocking().release(next);
            assertThat(holderSide.blocking().inspect(name).locked()).isFalse();
            assertThat(holderSide.blocking().inspect(name).owner()).isNull();
        }
    }

    @Test
    void theOwnerRecordKeepsAnyLabelAndFollowsARaisedFencingToken(RedisNodes nodes) {
        try (DistributedLocks holderSide = LockTestSupport.locks(vertx, nodes); DistributedLocks other = LockTestSupport.locks(vertx, nodes)) {
            // one node's sequence far above every client's clock: it answers a higher token than the others,
            // which are raised to it before the lease is handed out (and their owner records with them)
            try (NodeAdmin admin = new NodeAdmin(nodes.node(0).uri())) {
                admin.call("SET", LockSettings.DEFAULT_KEY_PREFIX + "fence", Long.toString(System.currentTimeMillis() * 1000 + 1_000_000_000_000L));
            }
            String label = "order \"7\" {x: [1, 2]} \\ tab\there\nnext line, ünïcode 注文";
            LockName name = LockName.of("inspect", "3");
            Lease lease = holderSide.blocking().acquire(name, Duration.ofSeconds(10), Duration.ofSeconds(5), label);
            nodes.node(0).kill(); // the quorum left holds only raised records
            LockInfo info = other.blocking().inspect(name);
            assertThat(info.owner()).isNotNull();
            assertThat(info.owner().label()).isEqualTo(label);
            assertThat(info.owner().service()).isEqualTo(LockOwner.thisProcess("").service());
            assertThat(info.fencingToken()).isEqualTo(lease.fencingToken());
            holderSide.blocking().release(lease);
        } finally {
            nodes.healAll();
        }
    }

    @Test
    void answersWithOneNodeDownAndSaysSoWithTwo(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("inspect", "2");
            Lease lease = locks.blocking().acquire(name, Duration.ofSeconds(10), Duration.ofSeconds(5), "x");
            nodes.node(0).kill();
            LockInfo info = locks.blocking().inspect(name);
            assertThat(info.locked()).isTrue();
            assertThat(info.failedNodes()).containsOnlyKeys(nodes.node(0).uri().replace("redis://", ""));
            nodes.node(1).kill();
            assertThatThrownBy(() -> locks.blocking().inspect(name)).isInstanceOf(QuorumUnavailableException.class);
            lease.release().await().indefinitely();
        } finally {
            nodes.healAll();
        }
    }
}
