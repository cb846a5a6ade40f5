package io.safelock.counter.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A message on the {@code counter.commands} queue: add {@code by} (default 1) to {@code counter}, once per {@code commandId}. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record IncrementCommand(String commandId, String counter, Long by) {
}
