package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Expiry, extension and withLock on Redlock over five real nodes. */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(5)
class LeaseLifecycleTest {

    static final Vertx vertx = LockTestSupport.vertx();

    @Test
    void aHolderThatStopsExtendingLosesTheLockAndCannotDeleteTheNextHoldersKey(RedisNodes nodes) {
        try (DistributedLocks stale = LockTestSupport.locks(vertx, nodes); DistributedLocks next = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("lease", "expiry");
            Lease old = stale.blocking().tryAcquire(name, Duration.ofMillis(400));
            assertThatThrownBy(() -> next.blocking().tryAcquire(name, Duration.ofSeconds(5))).isInstanceOf(LockBusyException.class);

            Lease fresh = next.blocking().acquire(name, Duration.ofSeconds(5), Duration.ofSeconds(5));
            assertThat(old.isValid()).as("the stale lease knows it ran out").isFalse();
            assertThat(fresh.fencingToken()).isGreaterThan(old.fencingToken());

            int ownedBefore = keyOwners(nodes, name);
            assertThat(ownedBefore).as("nodes holding the new owner's key").isGreaterThanOrEqualTo(3);
            stale.blocking().release(old); // must not delete the new holder's key
            assertThat(keyOwners(nodes, name)).as("nodes still holding the new owner's key").isEqualTo(ownedBefore);
            assertThatThrownBy(() -> stale.blocking().extend(old, Duration.ofSeconds(5))).isInstanceOf(LeaseLostException.class);
            assertThatThrownBy(() -> stale.blocking().tryAcquire(name, Duration.ofSeconds(5))).isInstanceOf(LockBusyException.class);
            next.blocking().release(fresh);
            assertThat(keyOwners(nodes, name)).isZero();
        }
    }

    @Test
    void extendKeepsTheLeasePastItsFirstTtl(RedisNodes nodes) throws InterruptedException {
        try (DistributedLocks a = LockTestSupport.locks(vertx, nodes); DistributedLocks b = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("lease", "extend");
            Lease lease = a.blocking().tryAcquire(name, Duration.ofMillis(1500));
            for (int i = 0; i < 4; i++) {
                Thread.sleep(600);
                a.blocking().extend(lease, Duration.ofMillis(1500));
            }
            assertThat(lease.isValid()).isTrue();
            assertThatThrownBy(() -> b.blocking().tryAcquire(name, Duration.ofSeconds(1))).isInstanceOf(LockBusyException.class);
            a.blocking().release(lease);
        }
    }

    @Test
    void withLockKeepsTheLockForWorkLongerThanTheTtlAndAlwaysReleases(RedisNodes nodes) {
        try (DistributedLocks a = LockTestSupport.locks(vertx, nodes); DistributedLocks b = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("lease", "long-work");
            AtomicBoolean otherGotIn = new AtomicBoolean();
            String result = a.withLock(name, Duration.ofMillis(1500), Duration.ofSeconds(1), guard ->
                    // 4 s of work under a 1.5 s lease (several extensions), probing from another client meanwhile
                    Uni.createFrom().item("done").onItem().delayIt().by(Duration.ofMillis(4000))
                            .emitOn(Infrastructure.getDefaultWorkerPool())
                            .invoke(() -> otherGotIn.set(tryOnce(b, name))))
                    .await().atMost(Duration.ofSeconds(5));
            assertThat(result).isEqualTo("done");
            assertThat(otherGotIn).as("another client got the lock during the work").isFalse();
            assertThat(keyOwners(nodes, name)).as("released after the work").isZero();

            assertThatThrownBy(() -> a.withLock(name, Duration.ofSeconds(1), Duration.ofSeconds(1),
                    guard -> Uni.createFrom().failure(new IllegalStateException("work failed"))).await().indefinitely())
                    .hasMessage("work failed");
            assertThat(keyOwners(nodes, name)).as("released after a failure").isZero();

            var cancellable = a.withLock(name, Duration.ofSeconds(1), Duration.ofSeconds(1),
                    guard -> Uni.createFrom().<String>nothing()).subscribe().with(x -> { });
            awaitOwners(nodes, name, owners -> owners >= 3, "a quorum");
            cancellable.cancel();
            awaitOwners(nodes, name, owners -> owners == 0, "none");
        }
    }

    @Test
    void withLockTellsTheWorkWhenTheKeyIsDeleted(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("lease", "stolen");
            AtomicReference<LeaseLostException> told = new AtomicReference<>();
            // the first extension (at a third of the TTL) finds the key gone; the TTL leaves it time to answer on a busy machine
            assertThatThrownBy(() -> locks.withLock(name, Duration.ofMillis(1500), Duration.ofSeconds(1), guard -> {
                guard.onLost(told::set);
                // the work runs on the event loop: do the blocking clean-up elsewhere
                return Uni.createFrom().voidItem().emitOn(Infrastructure.getDefaultWorkerPool())
                        .invoke(() -> deleteKeyEverywhere(nodes, name))
                        .replaceWith("finished").onItem().delayIt().by(Duration.ofSeconds(3));
            }).await().atMost(Duration.ofSeconds(5)))
                    .isInstanceOf(LeaseLostException.class)
                    .hasMessageContaining("owned by another holder");
            assertThat(told.get()).as("the guard told the work").isNotNull();
        }
    }

    @Test
    void withLockTellsTheWorkWhenAQuorumOfNodesDies(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("lease", "quorum-lost");
            AtomicBoolean sawLoss = new AtomicBoolean();
            assertThatThrownBy(() -> locks.blocking().withLock(name, Duration.ofMillis(400), Duration.ofSeconds(1), guard -> {
                nodes.node(0).kill();
                nodes.node(1).kill();
                nodes.node(2).kill();
                long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (!guard.isLost() && System.nanoTime() < deadline) {
                    sleep(10);
                }
                sawLoss.set(guard.isLost());
                return "finished";
            })).isInstanceOf(LeaseLostException.class);
            assertThat(sawLoss).as("the blocking work saw the loss through its guard").isTrue();
        }
    }

    private static boolean tryOnce(DistributedLocks locks, LockName name) {
        try {
            locks.blocking().release(locks.blocking().tryAcquire(name, Duration.ofSeconds(1)));
            return true;
        } catch (LockBusyException busy) {
            return false;
        }
    }

    /** How many nodes hold a value for the lock key. */
    static int keyOwners(RedisNodes nodes, LockName name) {
        int owners = 0;
        for (String uri : nodes.uris()) {
            RedisAPI api = RedisAPI.api(Redis.createClient(vertx, uri));
            try {
                if (api.exists(List.of("lock:{" + name.value() + "}")).await().indefinitely().toInteger() == 1) {
                    owners++;
                }
            } finally {
                api.close();
            }
        }
        return owners;
    }

    static void deleteKeyEverywhere(RedisNodes nodes, LockName name) {
        for (String uri : nodes.uris()) {
            RedisAPI api = RedisAPI.api(Redis.createClient(vertx, uri));
            try {
                api.del(List.of("lock:{" + name.value() + "}")).await().indefinitely();
            } finally {
                api.close();
            }
        }
    }

    private static void awaitOwners(RedisNodes nodes, LockName name, java.util.function.IntPredicate expected, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!expected.test(keyOwners(nodes, name))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("lock key on " + keyOwners(nodes, name) + " nodes, expected " + what);
            }
            sleep(20);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
