package io.safelock.lock;

import java.time.Duration;

/** A single attempt ({@code tryAcquire}) found the lock held by another owner. */
public final class LockBusyException extends LockException {

    private final LockName lockName;
    private final Duration heldFor;

    public LockBusyException(LockName lockName, Duration heldFor) {
        this(lockName, heldFor, "held by another owner");
    }

    /** @param reason why the one attempt did not get the lock, e.g. "held by another owner" */
    public LockBusyException(LockName lockName, Duration heldFor, String reason) {
        super("Lock '" + lockName + "' not granted: " + reason
                + (heldFor.isNegative() ? "" : " (its lease runs " + heldFor.toMillis() + " ms more)"), null);
        this.lockName = lockName;
        this.heldFor = heldFor;
    }

    @Override
    public LockName lockName() {
        return lockName;
    }

    /** How long the current holder's lease still runs, as far as the nodes said; negative if unknown. */
    public Duration heldFor() {
        return heldFor;
    }
}
