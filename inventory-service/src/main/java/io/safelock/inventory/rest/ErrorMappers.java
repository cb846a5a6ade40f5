package io.safelock.inventory.rest;

import io.safelock.inventory.service.Replies;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure becomes a JSON {@code {"error": …}} body: 4xx for bad input, 503 when a backing
 * server is unreachable, 500 (logged with its stack trace, never sent) for anything else.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    private final Replies replies;

    ErrorMappers(Replies replies) {
        this.replies = replies;
    }

    @ServerExceptionMapper
    public Response invalid(InvalidInputException e) {
        return Responses.of(replies.error(e.status(), e.getMessage()));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String message = switch (status) {
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 406 -> "Not acceptable: this API answers application/json";
            case 415 -> "Unsupported media type";
            default -> type == null ? "HTTP " + status : type.getReasonPhrase();
        };
        return Responses.of(replies.error(status, message));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable failure) {
        if (isUnavailable(failure)) {
            LOG.warnf("Request failed, a backing server is unavailable: %s", failure.toString());
            return Responses.of(replies.error(503, "Service unavailable: the database could not be reached ("
                    + failure.getClass().getSimpleName() + ")"));
        }
        LOG.error("Unexpected failure", failure);
        return Responses.of(replies.error(500, "Internal error"));
    }

    private static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof ClosedConnectionException || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("53") || pg.getSqlState().startsWith("57P"))) {
                return true;
            }
            String name = t.getClass().getName();
            if (name.startsWith("io.netty.channel") || name.endsWith("NoStackTraceThrowable") && String.valueOf(t.getMessage()).contains("onnection")) {
                return true;
            }
        }
        return false;
    }
}
