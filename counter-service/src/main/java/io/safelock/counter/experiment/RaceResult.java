package io.safelock.counter.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a race experiment saw on its counter: {@code expected} increments were accepted, the counter moved
 * by {@code actual} ({@code after - before}), so {@code lost = expected - actual} were overwritten.
 * {@code failed} increments were refused (lock unavailable) and are not expected. When other replicas
 * update the same counter meanwhile, {@code actual} includes their increments too: add up the replicas'
 * {@code expected} and compare with the final value instead. {@code fifo}: in {@code fair} mode, whether
 * the grants came in order of arrival across the replicas ({@link FifoCheck}); absent in the other modes.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RaceResult(String counter, String mode, String replica, int workers, int incrementsPerWorker, int thinkTimeMs,
                         long expected, long actual, long lost, long failed, long before, long after, long durationMs,
                         boolean completed, FifoCheck fifo) {
}
