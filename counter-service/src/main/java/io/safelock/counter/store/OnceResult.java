package io.safelock.counter.store;

/** Outcome of an update that must happen at most once per id. */
public record OnceResult(Outcome outcome, long value) {

    public enum Outcome {
        APPLIED,
        /** The id had been applied before: nothing changed. */
        DUPLICATE,
        /** Refused: a lock holder with a later fencing token has written this counter meanwhile. */
        FENCED
    }
}
