package io.safelock.counter.rest;

import io.safelock.counter.service.FencedOutException;
import io.safelock.counter.store.CounterOverflowException;
import io.safelock.lock.quarkus.LockFailure;
import io.safelock.lock.quarkus.http.ApiError;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The counter's own failures in the services' one error contract (lock-common's {@code io.safelock.lock.quarkus}
 * answers bad input, lock failures and unreachable servers): 409 for an increment that would overflow, and
 * a write refused by the counter's fence answered like a lost lease.
 */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response overflow(CounterOverflowException e) {
        return ApiError.response(409, e.getMessage(), "counter_overflow");
    }

    @ServerExceptionMapper
    public Response fencedOut(FencedOutException e) {
        return LockFailure.fencedOut(e.getMessage(), e.fencingToken()).toResponse();
    }
}
