package io.safelock.inventory.service;

/**
 * An HTTP answer decided by the service: status and JSON body. {@code replayed} marks the stored
 * answer of an earlier request with the same Idempotency-Key.
 */
public record Reply(int status, String json, boolean replayed) {

    public Reply asReplay() {
        return new Reply(status, json, true);
    }
}
