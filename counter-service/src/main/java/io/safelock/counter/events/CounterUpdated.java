package io.safelock.counter.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.safelock.counter.service.UpdateResult;
import java.time.Instant;
import java.util.UUID;

/**
 * The {@code counter.updated} notification: one per applied update, sent by the replica that applied it
 * ({@code replica}) to every replica. {@code eventId} lets receivers drop the copies a resend after a
 * broker outage can produce.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CounterUpdated(String eventId, String counter, long value, long by, String mode, String replica,
                             String requestId, Long fencingToken, Instant occurredAt) {

    public static CounterUpdated of(UpdateResult result, long by, String requestId) {
        return new CounterUpdated(UUID.randomUUID().toString(), result.name(), result.value(), by, result.mode(),
                result.replica(), requestId, result.fencingToken(), Instant.now());
    }
}
