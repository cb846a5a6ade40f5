package io.safelock.lock;

import java.time.Duration;

/** {@code acquire} waited up to its deadline and the lock stayed held by other owners. */
public final class LockWaitTimeoutException extends LockException {

    private final LockName lockName;
    private final int attempts;
    private final Duration waited;

    public LockWaitTimeoutException(LockName lockName, int attempts, Duration waited) {
        super("Lock '" + lockName + "' still held by another owner after waiting " + waited.toMillis()
                + " ms (" + attempts + " attempts); deadline exceeded", null);
        this.lockName = lockName;
        this.attempts = attempts;
        this.waited = waited;
    }

    @Override
    public LockName lockName() {
        return lockName;
    }

    /** Attempts made against Redis (waiting behind callers in this process costs none). */
    public int attempts() {
        return attempts;
    }

    public Duration waited() {
        return waited;
    }
}
