package io.safelock.counter.service;

/**
 * A claim or write under a lease was refused by the counter's fence: another lock holder, with this
 * fencing token or a later one, has claimed the counter. Nothing was written.
 */
public class FencedOutException extends RuntimeException {

    private final long fencingToken;

    public FencedOutException(String counter, long fencingToken) {
        super("write to counter '" + counter + "' with fencing token " + fencingToken
                + " refused: another lock holder has claimed the counter since");
        this.fencingToken = fencingToken;
    }

    public FencedOutException(String counter, long fencingToken, long recorded) {
        super("claim of counter '" + counter + "' with fencing token " + fencingToken + " refused: token " + recorded
                + " has already claimed it" + (recorded > fencingToken
                ? " (if this persists, the lock nodes hand out tokens below the counter's fence: see the counter-service README)" : ""));
        this.fencingToken = fencingToken;
    }

    /** The fencing token of the refused claim or write. */
    public long fencingToken() {
        return fencingToken;
    }
}
