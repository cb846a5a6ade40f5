package io.safelock.testsupport.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.lock.Lease;
import io.safelock.lock.LeaseLostException;
import io.safelock.lock.LockBusyException;
import io.safelock.lock.LockGuard;
import io.safelock.lock.LockInfo;
import io.safelock.lock.LockName;
import io.safelock.lock.LockWaitTimeoutException;
import io.safelock.lock.Locks;
import io.safelock.lock.QuorumUnavailableException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryLocksTest {

    private static final Duration AWAIT = Duration.ofSeconds(10);
    private static final Duration LONG_TTL = Duration.ofSeconds(30);

    private final InMemoryLocks locks = new InMemoryLocks(Duration.ofSeconds(10), Duration.ofSeconds(5));

    @AfterEach
    void close() {
        locks.close();
    }

    private static LockName name(String id) {
        return LockName.of("fake", id);
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(AWAIT);
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + AWAIT + ": " + what);
            }
            Thread.sleep(2);
        }
    }

    private int waiting(LockName name) {
        return await(locks.inspect(name)).waitingHere();
    }

    // ---------------------------------------------------------------- mutual exclusion

    /**
     * 16 threads × 150 withLock calls on one name, each a read-pause-write of a plain counter: never two
     * inside at once, no update lost, and each holder's token above the one before it.
     */
    @Test
    void manyConcurrentCallersNeverHoldTogether() throws Exception {
        LockName name = name("exclusion");
        int threads = 16;
        int rounds = 150;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        long[] counter = {0};
        List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        await(locks.withLock(name, LONG_TTL, AWAIT, guard -> Uni.createFrom().item(() -> {
                            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            tokens.add(guard.fencingToken());
                            long read = counter[0];
                            Thread.yield(); // let another thread in, if the lock would
                            counter[0] = read + 1;
                            inside.decrementAndGet();
                            return read;
                        })));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(mostInside.get()).as("holders at once").isEqualTo(1);
        assertThat(counter[0]).as("no lost update").isEqualTo((long) threads * rounds);
        assertThat(tokens).hasSize(threads * rounds);
        for (int i = 1; i < tokens.size(); i++) {
            assertThat(tokens.get(i)).as("token of holder %d", i).isGreaterThan(tokens.get(i - 1));
        }
        assertThat(await(locks.isLocked(name))).isFalse();
    }

    /** The same with acquire and release from plain threads, and tryAcquire racing them. */
    @Test
    void acquireReleaseAndTryAcquireExcludeEachOther() throws Exception {
        LockName name = name("acquire-release");
        int threads = 12;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean trying = t % 3 == 0;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        Lease lease;
                        try {
                            lease = await(trying ? locks.tryAcquire(name, LONG_TTL) : locks.acquire(name, LONG_TTL, AWAIT));
                        } catch (LockBusyException refused) {
                            busy.incrementAndGet();
                            continue;
                        }
                        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.yield();
                        inside.decrementAndGet();
                        await(lease.release());
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(mostInside.get()).isEqualTo(1);
        assertThat(await(locks.isLocked(name))).isFalse();
    }

    // ---------------------------------------------------------------- FIFO

    @Test
    void waitersAreServedInTheOrderTheyCame() throws Exception {
        LockName name = name("fifo");
        Lease first = await(locks.tryAcquire(name, LONG_TTL));
        int waiters = 8;
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int w = 0; w < waiters; w++) {
            int number = w;
            CompletableFuture<Void> served = new CompletableFuture<>();
            done.add(served);
            locks.acquire(name, LONG_TTL, AWAIT).subscribe().with(lease -> {
                order.add(number);
                tokens.add(lease.fencingToken());
                lease.release().subscribe().with(ok -> served.complete(null), served::completeExceptionally);
            }, served::completeExceptionally);
            // the next one comes after this one is in line
            eventually(() -> waiting(name) == number + 1, "waiter " + number + " in line");
        }
        assertThat(order).isEmpty();
        await(first.release());
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(tokens.getFirst()).isGreaterThan(first.fencingToken());
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aWaiterThatGoesAwayLeavesTheLine() throws Exception {
        LockName name = name("cancelled-waiter");
        Lease holder = await(locks.tryAcquire(name, LONG_TTL));
        AtomicReference<Lease> leftBehind = new AtomicReference<>();
        Cancellable gone = locks.acquire(name, LONG_TTL, AWAIT).subscribe().with(leftBehind::set);
        eventually(() -> waiting(name) == 1, "the first waiter in line");
        CompletableFuture<Lease> next = locks.acquire(name, LONG_TTL, AWAIT).subscribe().asCompletionStage();
        eventually(() -> waiting(name) == 2, "the second waiter in line");

        gone.cancel();
        assertThat(waiting(name)).as("the one that went away left the line").isEqualTo(1);
        await(holder.release());
        Lease granted = next.get(10, TimeUnit.SECONDS);
        assertThat(leftBehind.get()).isNull();
        assertThat(await(locks.inspect(name)).fencingToken()).isEqualTo(granted.fencingToken());
        await(granted.release());
        assertThat(await(locks.isLocked(name))).isFalse();
    }

    // ---------------------------------------------------------------- busy, timeout

    @Test
    void tryAcquireOnAHeldLockIsBusy() {
        LockName name = name("busy");
        Lease holder = await(locks.tryAcquire(name, LONG_TTL, "the holder"));
        assertThatThrownBy(() -> await(locks.tryAcquire(name, LONG_TTL)))
                .isInstanceOfSatisfying(LockBusyException.class, busy -> {
                    assertThat(busy.lockName()).isEqualTo(name);
                    assertThat(busy.heldFor()).isPositive().isLessThanOrEqualTo(LONG_TTL);
                });
        await(holder.release());
        await(locks.tryAcquire(name, LONG_TTL)).release().await().atMost(AWAIT);
    }

    @Test
    void aWaitThatRunsOutIsATimeoutAndLeavesTheHolderAlone() {
        LockName name = name("timeout");
        Lease holder = await(locks.tryAcquire(name, LONG_TTL));
        long started = System.nanoTime();
        assertThatThrownBy(() -> await(locks.acquire(name, LONG_TTL, Duration.ofMillis(150))))
                .isInstanceOfSatisfying(LockWaitTimeoutException.class, timeout -> {
                    assertThat(timeout.lockName()).isEqualTo(name);
                    assertThat(timeout.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(150));
                    assertThat(timeout.attempts()).isEqualTo(1);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThatThrownBy(() -> await(locks.acquire(name, LONG_TTL, Duration.ZERO))).isInstanceOf(LockWaitTimeoutException.class);
        LockInfo info = await(locks.inspect(name));
        assertThat(info.locked()).isTrue();
        assertThat(info.fencingToken()).isEqualTo(holder.fencingToken());
        assertThat(info.waitingHere()).isZero();
        assertThat(holder.isValid()).isTrue();
    }

    @Test
    void withLockUsesTheConfiguredWait() {
        InMemoryLocks shortWait = new InMemoryLocks(Duration.ofSeconds(10), Duration.ofMillis(100));
        try {
            LockName name = name("configured-wait");
            Locks asInterface = shortWait;
            Lease holder = await(asInterface.acquire(name));
            assertThat(holder.ttl()).isEqualTo(Duration.ofSeconds(10));
            assertThatThrownBy(() -> await(asInterface.withLock(name, guard -> Uni.createFrom().item(1))))
                    .isInstanceOf(LockWaitTimeoutException.class);
        } finally {
            shortWait.close();
        }
    }

    // ---------------------------------------------------------------- expiry and extension

    @Test
    void aLeaseNeitherReleasedNorExtendedExpires() throws Exception {
        LockName name = name("expiry");
        Lease forgotten = await(locks.tryAcquire(name, Duration.ofMillis(100)));
        assertThat(await(locks.isLocked(name))).isTrue();
        eventually(() -> !await(locks.isLocked(name)), "expiry");
        assertThat(forgotten.isValid()).isFalse();
        assertThatThrownBy(() -> await(forgotten.extend(LONG_TTL))).isInstanceOf(LeaseLostException.class);

        Lease next = await(locks.tryAcquire(name, LONG_TTL));
        assertThat(next.fencingToken()).isGreaterThan(forgotten.fencingToken());
        await(forgotten.release());
        assertThat(await(locks.inspect(name)).fencingToken()).as("a late release never frees a later holder")
                .isEqualTo(next.fencingToken());
    }

    @Test
    void anExpiredLeaseGoesToTheNextWaiter() {
        LockName name = name("expiry-handover");
        Lease forgotten = await(locks.tryAcquire(name, Duration.ofMillis(100)));
        long started = System.nanoTime();
        Lease next = await(locks.acquire(name, LONG_TTL, Duration.ofSeconds(5)));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(next.fencingToken()).isGreaterThan(forgotten.fencingToken());
    }

    @Test
    void anExtendedLeaseOutlivesItsFirstTtl() throws Exception {
        LockName name = name("extend");
        Lease lease = await(locks.tryAcquire(name, Duration.ofMillis(150)));
        for (int i = 0; i < 5; i++) {
            Thread.sleep(60);
            await(lease.extend(Duration.ofMillis(150)));
        }
        assertThat(lease.isValid()).isTrue();
        assertThat(await(locks.inspect(name)).fencingToken()).isEqualTo(lease.fencingToken());
        await(lease.release());
        assertThat(await(locks.isLocked(name))).isFalse();
    }

    /** Work that runs ten times its TTL keeps the lock: withLock extends it; nobody else gets in meanwhile. */
    @Test
    void withLockKeepsTheLeaseWhileTheWorkRuns() {
        LockName name = name("kept");
        Duration ttl = Duration.ofMillis(60);
        String result = await(locks.withLock(name, ttl, AWAIT, guard -> Uni.createFrom().item("done")
                .onItem().delayIt().by(Duration.ofMillis(600))
                .invoke(() -> {
                    guard.ensureHeld();
                    assertThat(guard.lease().isValid()).isTrue();
                    assertThatThrownBy(() -> await(locks.tryAcquire(name, LONG_TTL))).isInstanceOf(LockBusyException.class);
                })));
        assertThat(result).isEqualTo("done");
        assertThat(await(locks.isLocked(name))).as("released after the work").isFalse();
    }

    @Test
    void withLockReleasesAfterAFailure() {
        LockName name = name("failed-work");
        assertThatThrownBy(() -> await(locks.withLock(name, LONG_TTL, AWAIT,
                guard -> Uni.createFrom().failure(new IllegalStateException("the work failed")))))
                .isInstanceOf(IllegalStateException.class).hasMessage("the work failed");
        assertThat(await(locks.isLocked(name))).isFalse();
    }

    // ---------------------------------------------------------------- faults: lost lease

    @Test
    void aLostLeaseCancelsTheWorkAndTheNextWaiterGetsTheLock() throws Exception {
        LockName name = name("lost");
        AtomicReference<LockGuard> held = new AtomicReference<>();
        CompletableFuture<Object> result = locks.withLock(name, LONG_TTL, AWAIT, guard -> {
            held.set(guard);
            return Uni.createFrom().nothing(); // work that would never end by itself
        }).subscribe().asCompletionStage();
        eventually(() -> held.get() != null, "the work started");
        CompletableFuture<Lease> next = locks.acquire(name, LONG_TTL, AWAIT).subscribe().asCompletionStage();
        eventually(() -> waiting(name) == 1, "a waiter in line");

        assertThat(locks.loseLease(name)).isTrue();
        LockGuard guard = held.get();
        assertThat(guard.isLost()).isTrue();
        assertThatThrownBy(guard::ensureHeld).isInstanceOf(LeaseLostException.class).hasMessageContaining("loseLease");
        assertThat(guard.lease().isValid()).isFalse();
        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LeaseLostException.class);
        Lease successor = next.get(10, TimeUnit.SECONDS);
        assertThat(successor.fencingToken()).isGreaterThan(guard.fencingToken());
        assertThat(await(locks.inspect(name)).fencingToken()).as("the loser's release did not free the lock")
                .isEqualTo(successor.fencingToken());
        assertThat(locks.loseLease(name("nobody-holds-it"))).isFalse();
    }

    /** Work that cannot be cancelled sees the loss at its next ensureHeld(), before it writes. */
    @Test
    void workThatChecksItsGuardStopsBeforeWriting() throws Exception {
        LockName name = name("lost-before-write");
        CountDownLatch lostNow = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Integer> result = locks.withLock(name, LONG_TTL, AWAIT, guard -> Uni.createFrom().item(() -> {
                try {
                    lostNow.await(10, TimeUnit.SECONDS);
                    guard.ensureHeld();
                    return writes.incrementAndGet();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    checked.countDown();
                }
            }).runSubscriptionOn(worker)).subscribe().asCompletionStage();
            eventually(() -> await(locks.isLocked(name)), "held");
            locks.loseLease(name);
            lostNow.countDown();
            assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LeaseLostException.class);
            assertThat(checked.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(writes).hasValue(0);
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    void aPlainLeaseLostCannotBeExtended() {
        LockName name = name("lost-plain");
        Lease lease = await(locks.acquire(name, LONG_TTL, AWAIT));
        assertThat(locks.loseLease(name)).isTrue();
        assertThat(lease.isValid()).isFalse();
        assertThatThrownBy(() -> await(lease.extend(LONG_TTL))).isInstanceOf(LeaseLostException.class);
        assertThat(await(locks.isLocked(name))).isFalse();
    }

    // ---------------------------------------------------------------- faults: quorum

    @Test
    void withoutAQuorumNothingIsGrantedAndWaitersFail() throws Exception {
        LockName name = name("quorum");
        Lease holder = await(locks.tryAcquire(name, LONG_TTL));
        CompletableFuture<Lease> waiter = locks.acquire(name, LONG_TTL, AWAIT).subscribe().asCompletionStage();
        eventually(() -> waiting(name) == 1, "a waiter in line");

        locks.failQuorum(true);
        assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(QuorumUnavailableException.class);
        assertThatThrownBy(() -> await(locks.tryAcquire(name("other"), LONG_TTL)))
                .isInstanceOfSatisfying(QuorumUnavailableException.class,
                        quorum -> assertThat(quorum.failedNodes()).containsKey(InMemoryLocks.NODE));
        assertThatThrownBy(() -> await(locks.acquire(name("other"), LONG_TTL, AWAIT))).isInstanceOf(QuorumUnavailableException.class);
        assertThatThrownBy(() -> await(locks.withLock(name("other"), guard -> Uni.createFrom().item(1))))
                .isInstanceOf(QuorumUnavailableException.class);
        assertThatThrownBy(() -> await(locks.inspect(name))).isInstanceOf(QuorumUnavailableException.class);
        assertThatThrownBy(() -> await(holder.extend(LONG_TTL))).isInstanceOf(QuorumUnavailableException.class);
        assertThat(holder.isValid()).as("unanswered is not lost").isTrue();

        locks.failQuorum(false);
        await(holder.release());
        await(locks.tryAcquire(name("other"), LONG_TTL));
        assertThat(await(locks.isLocked(name))).isFalse();
    }

    /** A release the nodes did not hear leaves the lock held until its lease runs out. */
    @Test
    void aReleaseWithoutAQuorumLeavesTheLockUntilItExpires() throws Exception {
        LockName name = name("quorum-release");
        Lease lease = await(locks.tryAcquire(name, Duration.ofMillis(200)));
        locks.failQuorum(true);
        await(lease.release());
        locks.failQuorum(false);
        assertThat(await(locks.isLocked(name))).isTrue();
        eventually(() -> !await(locks.isLocked(name)), "expiry");
    }

    /** withLock cannot extend without a quorum: the lease runs out and the work is told. */
    @Test
    void withLockLosesTheLeaseWhenNoExtensionGetsThrough() throws Exception {
        LockName name = name("quorum-withlock");
        AtomicReference<LockGuard> held = new AtomicReference<>();
        CompletableFuture<Object> result = locks.withLock(name, Duration.ofMillis(150), AWAIT, guard -> {
            held.set(guard);
            return Uni.createFrom().nothing();
        }).subscribe().asCompletionStage();
        eventually(() -> held.get() != null, "the work started");
        locks.failQuorum(true);
        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LeaseLostException.class);
        assertThat(held.get().isLost()).isTrue();
        locks.failQuorum(false);
        assertThat(await(locks.isLocked(name))).isFalse();
    }

    // ---------------------------------------------------------------- inspect, arguments

    @Test
    void inspectTellsTheHolder() {
        LockName name = name("inspect");
        assertThat(await(locks.inspect(name))).satisfies(free -> {
            assertThat(free.locked()).isFalse();
            assertThat(free.owner()).isNull();
            assertThat(free.fencingToken()).isEqualTo(-1);
        });
        Lease lease = await(locks.acquire(name, LONG_TTL, AWAIT, "order-17"));
        LockInfo held = await(locks.inspect(name));
        assertThat(held.locked()).isTrue();
        assertThat(held.owner().label()).isEqualTo("order-17");
        assertThat(held.fencingToken()).isEqualTo(lease.fencingToken());
        assertThat(held.timeLeft()).isPositive().isLessThanOrEqualTo(LONG_TTL);
        assertThat(held.since()).isNotNull();
        assertThat(held.failedNodes()).isEmpty();
    }

    @Test
    void badArgumentsAreRefusedAtTheCall() {
        assertThatThrownBy(() -> locks.tryAcquire(null, LONG_TTL)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> locks.acquire(name("a"), Duration.ofMillis(5), AWAIT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl must be at least 10 ms");
        assertThatThrownBy(() -> locks.acquire(name("a"), LONG_TTL, Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> locks.withLock(name("a"), LONG_TTL, AWAIT, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new InMemoryLocks(Duration.ofMillis(1), AWAIT)).isInstanceOf(IllegalArgumentException.class);
    }
}
