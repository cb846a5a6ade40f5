package io.safelock.counter.service;

import io.safelock.lock.quarkus.http.InvalidInputException;
import io.safelock.counter.config.CounterConfig;
import jakarta.inject.Singleton;
import java.util.regex.Pattern;

/** The limits on what callers may ask for; every violation is an {@link InvalidInputException} (400). */
@Singleton
public class InputRules {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern POSITIVE_ID = Pattern.compile("[1-9][0-9]{0,17}");

    private final CounterConfig.Limits limits;

    public InputRules(CounterConfig config) {
        this.limits = config.limits();
    }

    public String name(String name) {
        return name("counter name", name);
    }

    /** Names end up in Redis keys, lock names and routing: keep them to a safe alphabet and length. */
    public String name(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException(what + " must not be blank");
        }
        if (name.length() > limits.maxNameLength()) {
            throw new InvalidInputException(what + " must be at most " + limits.maxNameLength() + " characters");
        }
        if (!NAME.matcher(name).matches()) {
            throw new InvalidInputException(what + " may only contain letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        return name;
    }

    /** Ids of other services' records (inventory's products): a positive whole number, as the inventory gives them. */
    public String positiveId(String what, String id) {
        if (id == null || !POSITIVE_ID.matcher(id).matches()) {
            throw new InvalidInputException(what + " must be a positive whole number");
        }
        return id;
    }

    public long increment(Long by) {
        long value = by == null ? 1 : by;
        return positive("by", value, limits.maxIncrement());
    }

    public int thinkTimeMs(Integer thinkTimeMs, int fallback) {
        if (thinkTimeMs == null) {
            return fallback;
        }
        if (thinkTimeMs < 0 || thinkTimeMs > limits.maxThinkTimeMs()) {
            throw new InvalidInputException("thinkTimeMs must be between 0 and " + limits.maxThinkTimeMs());
        }
        return thinkTimeMs;
    }

    public int workers(Integer workers) {
        return (int) positive("workers", required("workers", workers), limits.maxWorkers());
    }

    public int incrementsPerWorker(Integer increments, int workers) {
        int value = (int) positive("incrementsPerWorker", required("incrementsPerWorker", increments), limits.maxIncrementsPerWorker());
        if ((long) value * workers > limits.maxExperimentIncrements()) {
            throw new InvalidInputException("workers x incrementsPerWorker must be at most " + limits.maxExperimentIncrements());
        }
        return value;
    }

    private static long required(String what, Integer value) {
        if (value == null) {
            throw new InvalidInputException(what + " is required");
        }
        return value;
    }

    private static long positive(String what, long value, long max) {
        if (value < 1 || value > max) {
            throw new InvalidInputException(what + " must be between 1 and " + max + " but was " + value);
        }
        return value;
    }
}
