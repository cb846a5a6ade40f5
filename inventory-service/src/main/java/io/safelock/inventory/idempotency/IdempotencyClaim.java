package io.safelock.inventory.idempotency;

import java.util.UUID;

/** This request's hold on an Idempotency-Key: only the holder of {@code token} may complete the key. */
public record IdempotencyClaim(String key, UUID token) {
}
