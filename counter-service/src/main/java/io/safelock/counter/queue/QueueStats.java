package io.safelock.counter.queue;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/** The queue at one moment: requests waiting (all counters), the oldest one's age, and what is being applied. */
@RegisterForReflection
public record QueueStats(long depth, double oldestAgeSeconds, List<InFlight> inFlight) {

    @RegisterForReflection
    public record InFlight(String name, String requestId, String replica, Instant takenAt) {
    }
}
