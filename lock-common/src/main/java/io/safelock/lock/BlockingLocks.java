package io.safelock.lock;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The same locks for code on plain (worker or virtual) threads. Never call these on an event-loop
 * thread: they block until Redis answers.
 */
public final class BlockingLocks {

    private final DistributedLocks locks;

    BlockingLocks(DistributedLocks locks) {
        this.locks = locks;
    }

    public Lease tryAcquire(LockName name, Duration ttl) {
        return locks.tryAcquire(name, ttl).await().indefinitely();
    }

    public Lease acquire(LockName name, Duration ttl, Duration maxWait) {
        return locks.acquire(name, ttl, maxWait).await().indefinitely();
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
        lease.release().await().indefinitely();
    }

    public Lease extend(Lease lease, Duration ttl) {
        return lease.extend(ttl).await().indefinitely();
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
            lease.release().onFailure().recoverWithNull().await().indefinitely();
        }
    }
}
