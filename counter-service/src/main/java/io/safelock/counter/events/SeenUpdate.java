package io.safelock.counter.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/** A notification as this replica ({@code seenBy}) received it: what the SSE stream sends. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeenUpdate(String eventId, String counter, long value, long by, String mode, String appliedBy,
                         String requestId, Long fencingToken, Instant occurredAt, String seenBy, Instant seenAt) {

    static SeenUpdate of(CounterUpdated update, String seenBy) {
        return new SeenUpdate(update.eventId(), update.counter(), update.value(), update.by(), update.mode(), update.replica(),
                update.requestId(), update.fencingToken(), update.occurredAt(), seenBy, Instant.now());
    }
}
