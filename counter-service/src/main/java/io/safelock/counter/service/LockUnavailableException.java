package io.safelock.counter.service;

/** The lock client failed for a reason of its own (not busy, not quorum): nothing was written. */
public class LockUnavailableException extends RuntimeException {

    public LockUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
