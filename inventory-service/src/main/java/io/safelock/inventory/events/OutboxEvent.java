package io.safelock.inventory.events;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An event row waiting in the outbox. */
public record OutboxEvent(long id, UUID eventId, String eventType, String routingKey, String payload, OffsetDateTime createdAt) {
}
