package io.safelock.counter.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /counters/{name}/increment}; {@code by} defaults to 1, {@code thinkTimeMs} to {@code counter.think-time}. */
@RegisterForReflection
public record IncrementRequest(Long by, String mode, Integer thinkTimeMs) {
}
