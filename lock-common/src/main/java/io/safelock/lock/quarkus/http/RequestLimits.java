package io.safelock.lock.quarkus.http;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The request size limits, answered with the JSON error body like every other refusal:
 * a request line longer than {@link #MAX_URI_LENGTH} characters is 414, headers over
 * {@link #MAX_HEADERS_SIZE} bytes 431, a declared body over {@code quarkus.http.limits.max-body-size} 413.
 * The HTTP codec itself would answer these with an empty body, so its own limits
 * ({@code quarkus.http.limits.max-initial-line-length}, {@code max-header-size}) are set higher in each
 * service and this route, first of all, enforces the real ones; only a request beyond the codec's limits
 * still gets the codec's bare answer.
 */
@ApplicationScoped
public class RequestLimits {

    /** Longest request target (path and query) answered normally. */
    public static final int MAX_URI_LENGTH = 4096;
    /** Largest sum of header names and values answered normally. */
    public static final int MAX_HEADERS_SIZE = 16 * 1024;

    private final long maxBodySize;

    RequestLimits(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBodySize) {
        this.maxBodySize = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext context) {
        var request = context.request();
        if (request.uri().length() > MAX_URI_LENGTH) {
            refuse(context, 414, "URI too long: at most " + MAX_URI_LENGTH + " characters");
        } else if (headersSize(request.headers()) > MAX_HEADERS_SIZE) {
            refuse(context, 431, "Request headers too large: at most " + MAX_HEADERS_SIZE + " bytes");
        } else if (declaredBodySize(request.headers()) > maxBodySize) {
            refuse(context, 413, "Request body too large: at most " + maxBodySize + " bytes");
        } else {
            context.next();
        }
    }

    private static long headersSize(MultiMap headers) {
        long size = 0;
        for (Map.Entry<String, String> header : headers) {
            size += header.getKey().length() + header.getValue().length() + 4;
        }
        return size;
    }

    private static long declaredBodySize(MultiMap headers) {
        String length = headers.get(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void refuse(RoutingContext context, int status, String message) {
        // The rest of an oversized request is not read: close the connection after answering.
        context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(Json.encode(ApiError.body(message, ApiError.reasonOf(status))));
    }
}
