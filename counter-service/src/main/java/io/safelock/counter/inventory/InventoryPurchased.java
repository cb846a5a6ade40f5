package io.safelock.counter.inventory;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The inventory service's {@code inventory.purchased} event, as far as this service reads it; other
 * fields (orderId, remainingStock, occurredAt, …) are ignored. Ids are read as text, so numeric ids work too.
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record InventoryPurchased(String eventId, String productId, Long quantity, String orderId, Long remainingStock,
                                 String occurredAt) {
}
