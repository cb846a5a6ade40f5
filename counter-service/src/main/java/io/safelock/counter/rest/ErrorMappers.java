package io.safelock.counter.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.safelock.counter.service.FencedOutException;
import io.safelock.counter.service.InvalidInputException;
import io.safelock.counter.store.CounterOverflowException;
import io.safelock.lock.LeaseLostException;
import io.safelock.lock.LockBusyException;
import io.safelock.lock.LockWaitTimeoutException;
import io.safelock.lock.QuorumUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns failures into {@code {"error": ...}} with the status a client can act on: 400 for bad input, 409
 * for a conflict with the counter's state, 503 (with Retry-After) when a lock or a server is unavailable.
 * Only a bug gives 500.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response badInput(InvalidInputException e) {
        LOG.debugf(e, "Bad input: %s", e.getMessage());
        return error(Response.Status.BAD_REQUEST, e.getMessage());
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return error(Response.Status.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
    }

    /** Also replaces the built-in mapper for wrong JSON types ({"by": "x"}, [] for an object), which answers without a body. */
    @ServerExceptionMapper
    public Response wrongJsonType(MismatchedInputException e) {
        String field = e.getPath().isEmpty() ? "" : " in field '" + e.getPath().get(e.getPath().size() - 1).getFieldName() + "'";
        return error(Response.Status.BAD_REQUEST, "malformed JSON" + field + ": " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response overflow(CounterOverflowException e) {
        return error(Response.Status.CONFLICT, e.getMessage());
    }

    @ServerExceptionMapper({LockWaitTimeoutException.class, LockBusyException.class, QuorumUnavailableException.class,
            FencedOutException.class})
    public Response lockUnavailable(RuntimeException e) {
        return unavailable("lock unavailable, nothing was written: " + e.getMessage());
    }

    @ServerExceptionMapper
    public Response leaseLost(LeaseLostException e) {
        return unavailable("the lock's lease was lost during the update; it may or may not have been applied: " + e.getMessage());
    }

    @ServerExceptionMapper({ConnectException.class, TimeoutException.class, io.vertx.core.VertxException.class})
    public Response serverUnavailable(Exception e) {
        return unavailable("a backing server is unavailable: " + e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                return malformedJson(json);
            }
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return error(status, e.getMessage() == null ? status.getReasonPhrase() : e.getMessage());
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json);
        }
        LOG.error("Unexpected failure", e);
        return error(Response.Status.INTERNAL_SERVER_ERROR, "internal error: " + e.getClass().getSimpleName());
    }

    private static Response unavailable(String message) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", "1")
                .type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message)).build();
    }

    static Response error(Response.StatusType status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message)).build();
    }
}
