package io.safelock.counter.experiment;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** {@code POST /experiments/race}: {@code workers} concurrent workers each add 1, {@code incrementsPerWorker} times. */
@RegisterForReflection
public record RaceRequest(String counter, String mode, Integer workers, Integer incrementsPerWorker, Integer thinkTimeMs) {
}
