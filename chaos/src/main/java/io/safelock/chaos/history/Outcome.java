package io.safelock.chaos.history;

/** How an operation ended, as the client saw it. */
public enum Outcome {
    /** Acknowledged: the service said it happened. */
    OK,
    /** Definitely refused: the service said nothing was written (4xx/503 with an error body). */
    FAILED,
    /** No answer (timeout, connection lost, 5xx without a definite body): it may or may not have happened. */
    UNKNOWN
}
