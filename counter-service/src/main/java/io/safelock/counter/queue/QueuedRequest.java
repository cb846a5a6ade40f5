package io.safelock.counter.queue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Answer to a {@code queued} increment: where the request stands and where to look it up. */
@RegisterForReflection
public record QueuedRequest(String requestId, String name, long by, String status, long position, String statusUrl) {
}
