package io.safelock.lock.quarkus.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one error body of the services: {@code {"error": "what went wrong, in words", "reason": "code", …facts}}.
 * {@code reason} is a stable code for programs ({@code bad_input}, {@code not_found}, {@code lock_timeout},
 * {@code quorum_unavailable}, …); {@code error} is for people and never holds a class name or stack trace.
 * 409 and 503 answers carry {@code Retry-After}: trying again later may succeed.
 */
public final class ApiError {

    /** Seconds a client should wait before trying a 409 or 503 again. */
    public static final String RETRY_AFTER_SECONDS = "1";

    private ApiError() {
    }

    public static Map<String, Object> body(String message, String reason) {
        return body(message, reason, Map.of());
    }

    public static Map<String, Object> body(String message, String reason, Map<String, ?> facts) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("reason", reason);
        body.putAll(facts);
        return body;
    }

    public static Response response(int status, String message, String reason) {
        return response(status, body(message, reason));
    }

    public static Response response(int status, Map<String, Object> body) {
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
        if (invitesRetry(status)) {
            response.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        return response.build();
    }

    public static boolean invitesRetry(int status) {
        return status == 409 || status == 503;
    }

    /** The reason code of an HTTP status the framework decided (unknown route, wrong method, …). */
    public static String reasonOf(int status) {
        return switch (status) {
            case 400 -> "bad_input";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 422 -> "unprocessable";
            case 431 -> "headers_too_large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }
}
