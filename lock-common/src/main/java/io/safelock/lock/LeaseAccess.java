package io.safelock.lock;

import io.safelock.lock.internal.LeaseFactory;
import io.safelock.lock.internal.LeaseOperations;
import java.time.Duration;

/** Lets {@link LeaseFactory} make leases and guards for locks other than {@link DistributedLocks}. */
final class LeaseAccess implements LeaseFactory.Access {

    @Override
    public Lease lease(LeaseOperations operations, LockName name, String token, long fencingToken, long validUntilNanos, Duration ttl) {
        // no local line: such locks keep their own order of waiters
        return new Lease(operations, name, token, token, fencingToken, validUntilNanos, ttl, null);
    }

    @Override
    public void extended(Lease lease, long validUntilNanos, Duration ttl) {
        lease.extended(validUntilNanos, ttl);
    }

    @Override
    public void markLost(Lease lease) {
        lease.markLost();
    }

    @Override
    public LockGuard guard(Lease lease) {
        return new LockGuard(lease);
    }
}
