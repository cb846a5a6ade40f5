package io.safelock.lock.quarkus.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.VertxException;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure the services do not answer themselves becomes the JSON body of {@link ApiError}: bad input
 * a 4xx, a route or method that does not exist 404/405, a backing server out of reach 503, anything else
 * 500 (logged with its stack trace, never sent). No answer names a Java class.
 */
public class HttpErrorMappers {

    private static final Logger LOG = Logger.getLogger(HttpErrorMappers.class);

    private final Instance<BackendUnavailable> backends;

    HttpErrorMappers(Instance<BackendUnavailable> backends) {
        this.backends = backends;
    }

    @ServerExceptionMapper
    public Response invalid(InvalidInputException e) {
        return ApiError.response(e.status(), e.getMessage(), ApiError.reasonOf(e.status()));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return ApiError.response(400, JsonBodies.describe(e), "bad_input");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                return malformedJson(json);
            }
        }
        int status = e.getResponse().getStatus();
        String message = switch (status) {
            case 400 -> "Bad request";
            case 404 -> "Not found: no such route";
            case 405 -> "Method not allowed on this route";
            case 406 -> "Not acceptable: this API answers application/json";
            case 413 -> "Request body too large";
            case 415 -> "Unsupported media type: send JSON";
            default -> {
                Response.StatusType type = Response.Status.fromStatusCode(status);
                yield type == null ? "HTTP " + status : type.getReasonPhrase();
            }
        };
        Response response = ApiError.response(status, message, ApiError.reasonOf(status));
        if (status == 405 && e.getResponse().getHeaderString("Allow") != null) {
            return Response.fromResponse(response).header("Allow", e.getResponse().getHeaderString("Allow")).build();
        }
        return response;
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable failure) {
        if (isUnavailable(failure)) {
            LOG.warnf("Request failed, a backing server is unavailable: %s", failure.toString());
            return ApiError.response(503, "Service unavailable: a backing server could not be reached, nothing was done",
                    "backend_unavailable");
        }
        LOG.error("Unexpected failure", failure);
        return ApiError.response(500, "Internal error", "internal_error");
    }

    private boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof VertxException
                    || t.getClass().getName().startsWith("io.netty.channel")
                    || t instanceof io.vertx.core.impl.NoStackTraceThrowable && String.valueOf(t.getMessage()).contains("onnection")) {
                return true;
            }
            for (BackendUnavailable backend : backends) {
                if (backend.isUnavailable(t)) {
                    return true;
                }
            }
        }
        return false;
    }
}
