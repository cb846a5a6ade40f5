package io.safelock.demo.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.Map;

/** One HTTP answer; {@code status} is 0 when no answer came at all (connection refused, timeout). */
public record Reply(int status, String body) {

    /** Decimals stay exact (prices, stock), whole numbers fit whatever size they come in. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The body as a JSON object, or an empty map when it is not one. */
    public Map<String, Object> json() {
        try {
            Map<String, Object> map = JSON.readValue(body, new TypeReference<Map<String, Object>>() { });
            return map == null ? Map.of() : map;
        } catch (JsonProcessingException | IllegalArgumentException notAnObject) {
            return Map.of();
        }
    }

    public String text(String field) {
        Object value = json().get(field);
        return value == null ? null : value.toString();
    }

    public long number(String field) {
        Object value = json().get(field);
        if (value instanceof BigDecimal decimal) {
            return decimal.longValueExact();
        }
        if (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger) {
            return new BigDecimal(value.toString()).longValueExact();
        }
        throw new IllegalStateException("no number '" + field + "' in HTTP " + status + ": " + body);
    }
}
