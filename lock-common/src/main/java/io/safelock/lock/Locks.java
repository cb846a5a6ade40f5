package io.safelock.lock;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.function.Function;

/**
 * What a service asks of its locks: acquire (once or waiting), run work under a lock that is kept while it
 * runs, look at a lock, and the configured lease TTL and wait. {@link DistributedLocks} is the real thing
 * (Redis, Redlock); lock-test-fake's {@code InMemoryLocks} stands in for it in a service's unit tests, so
 * code written against this interface runs without lock nodes there.
 *
 * <p>Inject {@code Locks} where these calls are all a class needs; inject {@link DistributedLocks} for the
 * rest ({@code settings()}, {@code blocking()}, node status, quorum). Both resolve to the same bean.
 */
public interface Locks {

    /** The lease TTL used when the caller gives none ({@code lock.lease-ttl}). */
    Duration leaseTtl();

    /** How long {@code acquire} and {@code withLock} wait when the caller gives no limit ({@code lock.wait-timeout}). */
    Duration waitTimeout();

    /**
     * One attempt: the lease, or {@link LockBusyException} (held by another owner) or
     * {@link QuorumUnavailableException}.
     *
     * @param label who this lease is for, stored with the lock for {@link #inspect} (e.g. an order request id)
     */
    Uni<Lease> tryAcquire(LockName name, Duration ttl, String label);

    default Uni<Lease> tryAcquire(LockName name, Duration ttl) {
        return tryAcquire(name, ttl, "");
    }

    /**
     * Waits up to {@code maxWait} for the lock, behind earlier callers. Fails with
     * {@link LockWaitTimeoutException} when it stayed busy until the deadline, or
     * {@link QuorumUnavailableException}. A caller that cancels leaves nothing behind.
     *
     * @param label who this lease is for, stored with the lock for {@link #inspect} (e.g. an order request id)
     */
    Uni<Lease> acquire(LockName name, Duration ttl, Duration maxWait, String label);

    default Uni<Lease> acquire(LockName name, Duration ttl, Duration maxWait) {
        return acquire(name, ttl, maxWait, "");
    }

    /** Waits up to {@link #waitTimeout()} for a lease of {@link #leaseTtl()}. */
    default Uni<Lease> acquire(LockName name) {
        return acquire(name, leaseTtl(), waitTimeout());
    }

    /**
     * Acquires, runs {@code work} while the lease is extended in the background, and always releases
     * (success, failure or cancellation). If the lease is lost first, the work is cancelled and the result
     * fails with {@link LeaseLostException}; the guard tells work that is not cancellable.
     *
     * @param label who the lease is for, stored with the lock for {@link #inspect} (e.g. an order request id)
     */
    <T> Uni<T> withLock(LockName name, Duration ttl, Duration maxWait, String label, Function<LockGuard, Uni<T>> work);

    default <T> Uni<T> withLock(LockName name, Duration ttl, Duration maxWait, Function<LockGuard, Uni<T>> work) {
        return withLock(name, ttl, maxWait, "", work);
    }

    /** With {@link #leaseTtl()} and {@link #waitTimeout()}. */
    default <T> Uni<T> withLock(LockName name, Function<LockGuard, Uni<T>> work) {
        return withLock(name, leaseTtl(), waitTimeout(), work);
    }

    /**
     * The lock now: held or not, the holder, since when, time left, its fencing token, who waits. Fails with
     * {@link QuorumUnavailableException} when too few nodes answer to tell.
     */
    Uni<LockInfo> inspect(LockName name);

    /** Held now. */
    default Uni<Boolean> isLocked(LockName name) {
        return inspect(name).map(LockInfo::locked);
    }
}
