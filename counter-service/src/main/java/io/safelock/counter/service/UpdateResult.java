package io.safelock.counter.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** An increment that has been applied: the counter's value right after it. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateResult(String name, long value, String mode, String replica, Long fencingToken) {
}
