package io.safelock.inventory.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON bodies for answers the service decides; every error body has an {@code "error"} text. */
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

    /** {@code {"error": message, …extra}} */
    public Reply error(int status, String message, Map<String, ?> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.putAll(extra);
        return new Reply(status, json(body), false);
    }

    public String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write JSON for " + value.getClass().getSimpleName(), e);
        }
    }
}
