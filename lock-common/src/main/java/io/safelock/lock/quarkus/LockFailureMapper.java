package io.safelock.lock.quarkus;

import io.safelock.lock.LockException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every lock failure that reaches a REST route is answered as {@link LockFailure} says. */
public class LockFailureMapper {

    @ServerExceptionMapper
    public Response lockFailed(LockException failure) {
        return LockFailure.of(failure).toResponse();
    }
}
