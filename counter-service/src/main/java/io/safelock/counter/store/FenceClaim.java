package io.safelock.counter.store;

/** What claiming a counter's fence with a lock holder's fencing token found. */
public sealed interface FenceClaim {

    /** The fence now carries the holder's token; {@code value} is the counter as the holder may act on it (0 when not read). */
    record Claimed(long value) implements FenceClaim { }

    /** The fence already carries {@code recorded}, equal to or later than the presented token: this holder is stale. */
    record Refused(long recorded) implements FenceClaim { }
}
