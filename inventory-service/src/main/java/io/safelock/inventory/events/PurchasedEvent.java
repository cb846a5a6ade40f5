package io.safelock.inventory.events;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/**
 * The {@code inventory.purchased} event, as JSON on the wire. Consumers de-duplicate by
 * {@code eventId}: the relay publishes at least once.
 */
@RegisterForReflection // written by Jackson, also in a native image
public record PurchasedEvent(UUID eventId, String type, long productId, int quantity, long orderId, int remainingStock,
                             String strategy, Instant occurredAt) {

    public static final String TYPE = "inventory.purchased";
}
