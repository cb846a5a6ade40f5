package io.safelock.lock;

/**
 * The caller no longer owns the lock: its lease expired, an extension was refused (someone else holds
 * the key now) or the quorum could not confirm it. Work done under the lease must stop; writes guarded
 * by the fencing token will be refused by a resource that checks it.
 */
public final class LeaseLostException extends LockException {

    private final LockName lockName;
    private final long fencingToken;

    public LeaseLostException(LockName lockName, long fencingToken, String reason) {
        super("Lease on lock '" + lockName + "' (fencing token " + fencingToken + ") lost: " + reason, null);
        this.lockName = lockName;
        this.fencingToken = fencingToken;
    }

    @Override
    public LockName lockName() {
        return lockName;
    }

    public long fencingToken() {
        return fencingToken;
    }
}
