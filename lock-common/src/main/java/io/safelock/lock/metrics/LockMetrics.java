package io.safelock.lock.metrics;

import java.time.Duration;

/**
 * What the locks report. Tags are the lock group (bounded, chosen by the caller) and the node
 * (host:port); never the raw resource id.
 */
public interface LockMetrics {

    /** Outcome of an acquire call. */
    enum Outcome {
        ACQUIRED, BUSY, TIMEOUT, ERROR;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    LockMetrics NONE = new LockMetrics() { };

    default void acquireFinished(String group, Outcome outcome, Duration took) { }

    /** Time from the call until the lock was granted. */
    default void waited(String group, Duration waited) { }

    default void held(String group, Duration held) { }

    /** An attempt that found the lock held by someone else. */
    default void contended(String group) { }

    default void extended(String group, boolean ok) { }

    default void leaseLost(String group) { }

    /** A release that found the lease already expired (the key gone or owned by another). */
    default void expiredRelease(String group) { }

    default void holding(String group, int delta) { }

    default void waiting(String group, int delta) { }

    /** The nodes this client talks to (host:port), once at start. */
    default void nodes(java.util.List<String> nodes) { }

    default void nodeError(String node, String reason) { }

    default void quorumFailure(String group) { }

    /** A hold began in this process (for {@code lock_oldest_hold_seconds} and the hang warning). */
    default void holdStarted(String group, Object hold, String lock, long fencingToken, java.util.function.BooleanSupplier stillHeld) { }

    /** The hold ended: released, expired or lost. */
    default void holdEnded(Object hold) { }
}
