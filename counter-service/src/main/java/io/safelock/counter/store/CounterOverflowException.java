package io.safelock.counter.store;

/** The increment would take the counter past the largest 64-bit value. */
public class CounterOverflowException extends RuntimeException {

    public CounterOverflowException(String counter, long by) {
        super("incrementing counter '" + counter + "' by " + by + " would overflow a 64-bit integer");
    }
}
