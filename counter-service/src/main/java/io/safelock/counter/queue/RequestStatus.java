package io.safelock.counter.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * A queued request as stored in Redis. {@code position} is its place in the counter's queue and
 * {@code appliedIndex} the order in which it was applied: equal for every request while FIFO holds.
 * {@code attempts} above 1 means a consumer died or lost its lease holding it and another one finished it.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestStatus(String requestId, String name, long by, String status, long position, Long appliedIndex,
                            Long valueAfter, Instant enqueuedAt, String enqueuedBy, String takenBy, Integer attempts,
                            Instant appliedAt, String appliedBy, Long fencingToken, String error) {
}
