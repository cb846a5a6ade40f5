package io.safelock.inventory.service;

import java.time.Duration;

/**
 * A validated purchase request. {@code idempotencyKey} may be null; {@code startedNanos} is when the
 * request arrived, for the reported duration. {@code extendLease}: the locked strategies keep their lease
 * alive while they work (and stop before writing once it is lost); false holds it for one TTL only, so a
 * purchase that works longer meets the fencing token at the database.
 */
public record PurchaseCommand(long productId, int quantity, Strategy strategy, Duration processingDelay,
                              String idempotencyKey, long startedNanos, boolean extendLease) {

    /** What the request asks for, to tell a retry from a different request under the same key. */
    public String fingerprint() {
        return strategy.path() + "|" + productId + "|" + quantity;
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
