package io.safelock.demo.http;

import java.math.BigDecimal;
import java.util.Map;

/** One HTTP answer; {@code status} is 0 when no answer came at all (connection refused, timeout). */
public record Reply(int status, String body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The body as a JSON object, or an empty map when it is not one. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> json() {
        try {
            return Json.parse(body) instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        } catch (IllegalArgumentException notJson) {
            return Map.of();
        }
    }

    public String text(String field) {
        Object value = json().get(field);
        return value == null ? null : value.toString();
    }

    public long number(String field) {
        Object value = json().get(field);
        if (value instanceof BigDecimal n) {
            return n.longValueExact();
        }
        throw new IllegalStateException("no number '" + field + "' in HTTP " + status + ": " + body);
    }
}
