package io.safelock.inventory.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.safelock.lock.quarkus.LockFailure;
import io.safelock.lock.quarkus.http.ApiError;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** JSON bodies for answers the service decides; every error body is {@link ApiError}'s. */
@ApplicationScoped
public class Replies {

    private final ObjectMapper mapper;

    Replies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Reply ok(Map<String, ?> body) {
        return new Reply(200, json(body), false);
    }

    public Reply error(int status, String message) {
        return error(status, message, Map.of());
    }

    /** {@code {"error": message, "reason": …, …extra}}; {@code extra} may name its own {@code reason}. */
    public Reply error(int status, String message, Map<String, ?> extra) {
        return new Reply(status, json(ApiError.body(message, ApiError.reasonOf(status), extra)), false);
    }

    public Reply error(LockFailure failure) {
        return new Reply(failure.status(), json(failure.body()), false);
    }

    public String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write JSON for " + value.getClass().getSimpleName(), e);
        }
    }
}
