package io.safelock.inventory.idempotency;

/**
 * The key's claim passed to another copy of the request (this one had been given up as abandoned), so
 * this copy's purchase transaction must roll back and answer with the other copy's result.
 */
public final class ClaimLostException extends RuntimeException {

    public ClaimLostException(String key) {
        super("Idempotency-Key '" + key + "' was taken over by another copy of the request", null, false, false);
    }
}
