package io.safelock.lock;

import io.safelock.lock.internal.WorkGuard;

/**
 * Handed to the work inside {@code withLock}: the lease, its fencing token, and news of its loss. The
 * lease is extended in the background while the work runs; if an extension is refused or the validity
 * time runs out first, the guard reports the loss so the work can stop before it writes.
 */
public final class LockGuard extends WorkGuard {

    private final Lease lease;

    LockGuard(Lease lease) {
        super(lease, lease::markLost);
        this.lease = lease;
    }

    public Lease lease() {
        return lease;
    }
}
