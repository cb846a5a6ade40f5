package io.safelock.lock.quarkus.http;

/**
 * Recognises failures that mean a backing server (a database, a broker, a Redis) could not be reached,
 * so that they are answered 503 with {@code Retry-After} instead of 500. Connection and timeout failures
 * are recognised already; a service adds a CDI bean for its own client's errors (e.g. PostgreSQL states).
 */
public interface BackendUnavailable {

    /** True when this one failure (not its causes: they are offered one by one) means a server is unreachable. */
    boolean isUnavailable(Throwable failure);
}
