package io.safelock.lock.internal;

import io.safelock.lock.Lease;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * What a {@link Lease} asks of whoever granted it: {@code DistributedLocks} on the Redis nodes, or an in-memory
 * stand-in in a service's unit tests (lock-test-fake). Internal, no compatibility promise.
 */
public interface LeaseOperations {

    /**
     * Gives the lease back where it still owns the lock; never touches a later holder. Called once per lease
     * (the lease sees to that); completes when done, whether or not the lease still owned the lock.
     */
    Uni<Void> release(Lease lease);

    /**
     * Resets the lease's TTL where it still owns the lock ({@link LeaseFactory#extended} records the new validity).
     * Fails with {@code LeaseLostException} when it no longer does, {@code QuorumUnavailableException} when that
     * cannot be told now.
     */
    Uni<Lease> extend(Lease lease, Duration ttl);

    /** {@link Lease#release()} came after the lease had expired here; nothing is left to do but to count it. */
    void releasedAfterExpiry(Lease lease);
}
