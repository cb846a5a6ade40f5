package io.safelock.lock;

/** Every way a lock operation fails; each subtype says what happened and carries the facts. */
public abstract sealed class LockException extends RuntimeException
        permits LockBusyException, LockWaitTimeoutException, QuorumUnavailableException, LeaseLostException, NodeSetMismatchException {

    protected LockException(String message, Throwable cause) {
        super(message, cause, cause != null, false);
    }

    /** The lock the operation was about. */
    public abstract LockName lockName();
}
