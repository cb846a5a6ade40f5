package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A caller that goes away (client disconnect, {@code ifNoItem().after(..)}, an interrupted blocking
 * thread) while a lock request is on its way to Redis must leave neither the name blocked in this
 * process nor a key in Redis that nobody owns. The node is paused with {@code CLIENT PAUSE}, so the
 * request is in flight when the caller cancels.
 */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(1)
class CancellationTest {

    static final Vertx vertx = LockTestSupport.vertx();
    static final Duration TTL = Duration.ofSeconds(8);

    @Test
    void aReleaseCancelledInFlightDoesNotWedgeTheName(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes); NodeAdmin admin = new NodeAdmin(nodes.node(0).uri())) {
            LockName name = LockName.of("cancel", "release");
            // the work ends while the node is paused: the release is in flight when the subscriber gives up
            assertThatThrownBy(() -> locks.withLock(name, TTL, Duration.ofSeconds(1),
                            guard -> Uni.createFrom().item(() -> {
                                admin.pause(300, "ALL");
                                return "done";
                            }).runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool()))
                    .ifNoItem().after(Duration.ofMillis(100)).fail()
                    .await().indefinitely())
                    .isInstanceOf(io.smallrye.mutiny.TimeoutException.class);

            Lease again = retryTryAcquire(locks, name, Duration.ofSeconds(3));
            assertThat(again).as("this process can take the lock again well within the TTL").isNotNull();
            locks.blocking().release(again);
        }
    }

    @Test
    void aCancelledAcquireDoesNotLeaveTheKeyHeld(RedisNodes nodes) {
        try (DistributedLocks cancelled = LockTestSupport.locks(vertx, nodes);
             DistributedLocks other = LockTestSupport.locks(vertx, nodes);
             NodeAdmin admin = new NodeAdmin(nodes.node(0).uri())) {
            LockName name = LockName.of("cancel", "acquire");
            // warm this client first: a cold first call (connection, scripts, classes) can outlast the pause,
            // and then the attempt would not be in flight while paused but granted before the cancel
            cancelled.blocking().release(cancelled.blocking().tryAcquire(LockName.of("cancel", "warm-up"), TTL));
            java.util.concurrent.atomic.AtomicReference<Lease> delivered = new java.util.concurrent.atomic.AtomicReference<>();
            admin.pause(80, "WRITE");
            Cancellable pending = cancelled.acquire(name, TTL, Duration.ofSeconds(1)).subscribe().with(delivered::set);
            sleep(20);
            pending.cancel(); // the acquire script is queued on the paused node and runs after the pause
            sleep(150); // past the pause: the abandoned attempt has run by now
            assertThat(delivered.get()).as("the attempt was still waiting on the paused node when it was cancelled").isNull();

            Lease theirs = retryTryAcquire(other, name, Duration.ofSeconds(3));
            assertThat(theirs).as("another client gets the lock well before the abandoned attempt's TTL").isNotNull();
            other.blocking().release(theirs);
            Lease ours = retryTryAcquire(cancelled, name, Duration.ofSeconds(3));
            assertThat(ours).as("and so does the process that cancelled").isNotNull();
            cancelled.blocking().release(ours);
        }
    }

    @Test
    void anInterruptedBlockingCallerLeavesNothingBehind(RedisNodes nodes) throws Exception {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes);
             DistributedLocks other = LockTestSupport.locks(vertx, nodes);
             NodeAdmin admin = new NodeAdmin(nodes.node(0).uri())) {
            LockName name = LockName.of("cancel", "interrupted");
            admin.pause(150, "WRITE");
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    locks.blocking().acquire(name, TTL, Duration.ofSeconds(2));
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            sleep(30);
            caller.interrupt();
            assertThat(outcome.get(5, TimeUnit.SECONDS)).as("the interrupted caller got no lease").isNotNull();

            Lease theirs = retryTryAcquire(other, name, Duration.ofSeconds(3));
            assertThat(theirs).as("another client gets the lock soon").isNotNull();
            other.blocking().release(theirs);
            Lease ours = retryTryAcquire(locks, name, Duration.ofSeconds(3));
            assertThat(ours).as("the interrupted caller's process can lock the name again").isNotNull();
            locks.blocking().release(ours);
        }
    }

    @Test
    void waitersCancelledWhileTheLockIsHandedOverNeverWedgeTheName(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("cancel", "hand-over");
            for (int round = 0; round < 60; round++) {
                Lease held = locks.blocking().tryAcquire(name, TTL);
                List<Cancellable> waiters = new ArrayList<>();
                List<CompletableFuture<Lease>> granted = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    CompletableFuture<Lease> got = new CompletableFuture<>();
                    granted.add(got);
                    waiters.add(locks.acquire(name, TTL, Duration.ofSeconds(2)).subscribe().with(got::complete, got::completeExceptionally));
                }
                // release (handing the lock to the first waiter) while the waiters give up
                held.release().subscribe().with(x -> { });
                sleepMicros(ThreadLocalRandom.current().nextInt(2_000));
                waiters.forEach(Cancellable::cancel);
                // a waiter whose lease was on its way when it cancelled still gets it (and must release it)
                CompletableFuture.anyOf(CompletableFuture.allOf(granted.toArray(CompletableFuture[]::new)),
                        CompletableFuture.runAsync(() -> sleep(100))).exceptionally(failure -> null).join();
                for (CompletableFuture<Lease> got : granted) {
                    Lease lease = got.isCompletedExceptionally() ? null : got.getNow(null);
                    if (lease != null) {
                        lease.release().await().indefinitely();
                    }
                }
                Lease next = retryTryAcquire(locks, name, Duration.ofSeconds(3));
                assertThat(next).as("round %d: the name can be locked again", round).isNotNull();
                next.release().await().indefinitely();
            }
        }
    }

    /**
     * A cancel can cross the lease on its way: the subscriber marks itself cancelled, the lease arrives and
     * is dropped there, and only then does the cancel travel up (what Mutiny's own subscribers do when
     * {@code cancel()} and the item come at once on two threads). Played here in that order by hand, so it
     * does not depend on timing: the lease nobody got must be released, not left to its TTL.
     */
    @Test
    void aLeaseThatCrossesItsCallersCancelIsReleased(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes)) {
            LockName name = LockName.of("cancel", "crossing");
            CompletableFuture<Object> dropped = CrossingCancel.dropAsItArrives(locks.acquire(name, TTL, Duration.ofSeconds(2)));
            assertThat(dropped.join()).as("the lock was granted").isInstanceOf(Lease.class);

            Lease next = retryTryAcquire(locks, name, Duration.ofSeconds(3));
            assertThat(next).as("the name can be locked again well within the %d s TTL", TTL.toSeconds()).isNotNull();
            next.release().await().indefinitely();
        }
    }

    /** Tries once every 20 ms until the deadline (a busy machine may make a node answer late); the lease, or null. */
    static Lease retryTryAcquire(DistributedLocks locks, LockName name, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        LockException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return locks.tryAcquire(name, TTL).await().atMost(Duration.ofSeconds(2));
            } catch (LockBusyException | QuorumUnavailableException notNow) {
                last = notNow;
                sleep(20);
            }
        }
        System.out.println("Could not lock " + name + " within " + within.toMillis() + " ms; last answer: " + last);
        return null;
    }


    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepMicros(long micros) {
        long until = System.nanoTime() + micros * 1_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

}
