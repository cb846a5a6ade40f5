package io.safelock.counter.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Every error body: {@code {"error": "..."}}. */
@RegisterForReflection
public record ApiError(String error) {
}
