package io.safelock.counter.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record CounterValue(String name, long value) {
}
