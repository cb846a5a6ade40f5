package io.safelock.counter.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * What this replica ({@code replica}) has learnt about a counter from notifications: how many distinct
 * updates it received, the value in the last one, and the highest value seen (notifications from
 * different replicas may arrive in any order).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CounterView(String name, String replica, long received, Long lastValue, Long highestValue, String lastEventId,
                          String lastAppliedBy, String lastMode, Instant lastSeenAt) {
}
