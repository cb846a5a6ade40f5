package io.safelock.lock;

import io.safelock.lock.internal.LeaseKeeper;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * The same locks for code on plain (worker or virtual) threads, operation for operation. Never call
 * these on an event-loop thread: they block until Redis answers. An interrupted caller stops waiting
 * at once (a {@link CompletionException} around the {@link InterruptedException}, with the interrupt
 * flag set again) and leaves nothing behind: a lease granted after it stopped waiting is released.
 */
public final class BlockingLocks {

    private final DistributedLocks locks;

    BlockingLocks(DistributedLocks locks) {
        this.locks = locks;
    }

    public Lease tryAcquire(LockName name, Duration ttl) {
        return await(locks.tryAcquire(name, ttl));
    }

    public Lease tryAcquire(String name, Duration ttl) {
        return await(locks.tryAcquire(name, ttl));
    }

    /** Waits up to the configured {@code lock.wait-timeout} with the configured {@code lock.lease-ttl}. */
    public Lease acquire(LockName name) {
        return await(locks.acquire(name));
    }

    public Lease acquire(LockName name, Duration ttl, Duration maxWait) {
        return await(locks.acquire(name, ttl, maxWait));
    }

    public Lease acquire(String name, Duration ttl, Duration maxWait) {
        return await(locks.acquire(name, ttl, maxWait));
    }

    /** See {@link DistributedLocks#inspect}. */
    public LockInfo inspect(LockName name) {
        return locks.inspect(name).await().indefinitely();
    }

    public boolean isLocked(LockName name) {
        return locks.isLocked(name).await().indefinitely();
    }

    public Lease acquire(LockName name, Duration ttl, Duration maxWait, String label) {
        return locks.acquire(name, ttl, maxWait, label).await().indefinitely();
    }

    public void release(Lease lease) {
        await(lease.release());
    }

    public Lease extend(Lease lease, Duration ttl) {
        return await(lease.extend(ttl));
    }

    /** {@link #withLock(LockName, Duration, Duration, Function)} with the configured TTL and wait. */
    public <T> T withLock(LockName name, Function<LockGuard, T> work) {
        return withLock(name, locks.settings().leaseTtl(), locks.settings().waitTimeout(), work);
    }

    /**
     * Acquires, runs {@code work} on this thread while the lease is extended in the background, and
     * always releases. Work should call {@link LockGuard#ensureHeld()} before writes; if the lease was
     * lost while it ran, this throws {@link LeaseLostException} instead of returning its result.
     */
    public <T> T withLock(LockName name, Duration ttl, Duration maxWait, Function<LockGuard, T> work) {
        Objects.requireNonNull(work, "work");
        Lease lease = acquire(name, ttl, maxWait);
        LockGuard guard = new LockGuard(lease);
        LeaseKeeper keeper = locks.keep(lease, guard);
        try {
            T result = work.apply(guard);
            guard.ensureHeld();
            return result;
        } finally {
            keeper.stop();
            Uni<Void> release = lease.release(); // started already; runs to its end even if we stop waiting
            await(release.onFailure().recoverWithNull());
        }
    }

    public boolean quorumAvailable() {
        return await(locks.quorumAvailable());
    }

    public Map<String, String> nodeStatus() {
        return await(locks.nodeStatus());
    }

    /** Waits for the result; an interrupt cancels the subscription (so the operation cleans up after itself). */
    private static <T> T await(Uni<T> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Cancellable subscription = operation.subscribe().with(result::complete, result::completeExceptionally);
        try {
            return result.get();
        } catch (InterruptedException interrupted) {
            subscription.cancel();
            Thread.currentThread().interrupt();
            throw new CompletionException(interrupted);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failed.getCause() instanceof Error error) {
                throw error;
            }
            throw new CompletionException(failed.getCause());
        }
    }
}
