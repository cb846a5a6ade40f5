package io.safelock.counter.service;

/** A write under a lease was refused because a later lock holder had already written the counter. */
public class FencedOutException extends RuntimeException {

    private final long fencingToken;

    public FencedOutException(String counter, long fencingToken) {
        super("write to counter '" + counter + "' with fencing token " + fencingToken
                + " refused: a later lock holder has written it");
        this.fencingToken = fencingToken;
    }

    public long fencingToken() {
        return fencingToken;
    }
}
