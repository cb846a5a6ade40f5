package io.safelock.counter.service;

import io.safelock.lock.quarkus.http.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How an increment is applied. */
public enum Mode {
    /** GET, think, SET with no coordination: concurrent updates overwrite each other. */
    UNSAFE,
    /** The same GET, think, SET inside a distributed lock on the counter, the write fenced by the lease's token. */
    LOCKED,
    /** Redis INCRBY: no read-modify-write in the client, so no lock needed. */
    ATOMIC,
    /** Pushed on the counter's FIFO queue in Redis and applied later, in order, by a consumer under the lock. */
    QUEUED,
    /**
     * The {@link #LOCKED} steps inside a fair lock on the counter: callers are served first come, first
     * served across replicas (by the ticket each took from the lock nodes on arrival), the write fenced.
     */
    FAIR;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "unsafe", "LOCKED", …; the message lists the valid values. */
    public static Mode parse(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("mode is required: one of " + valid());
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("unknown mode '" + abbreviate(value) + "': use one of " + valid());
        }
    }

    static String valid() {
        return Arrays.stream(values()).map(Mode::tag).collect(Collectors.joining(", "));
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }
}
