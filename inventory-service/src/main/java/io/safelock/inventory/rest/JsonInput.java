package io.safelock.inventory.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Request bodies, read strictly: the routes take the raw text so that an empty body, any content type
 * (curl's default form type included) and every malformed or mistyped field end in a 400 that says
 * what is wrong, never a 415 or a 500. {@code "5"}, {@code 1.5} and {@code true} are not integers.
 */
@ApplicationScoped
public class JsonInput {

    private final ObjectMapper mapper;

    JsonInput(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The body as a JSON object; an empty body is an empty object. */
    public ObjectNode object(String raw) {
        if (raw == null || raw.isBlank()) {
            return mapper.createObjectNode();
        }
        JsonNode node;
        try {
            node = mapper.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("Malformed JSON body: " + e.getOriginalMessage());
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            return mapper.createObjectNode();
        }
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidInputException("The body must be a JSON object, got " + describe(node));
        }
        return object;
    }

    /** An integer field in [min, max]; absent or null gives {@code fallback}. */
    public int integer(ObjectNode body, String field, int fallback, long min, long max) {
        return optionalInteger(body, field, min, max).orElse(fallback);
    }

    public int requiredInteger(ObjectNode body, String field, long min, long max) {
        return optionalInteger(body, field, min, max)
                .orElseThrow(() -> new InvalidInputException("'" + field + "' is required: an integer from " + min + " to " + max));
    }

    private Optional<Integer> optionalInteger(ObjectNode body, String field, long min, long max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber()) {
            throw new InvalidInputException("'" + field + "' must be an integer from " + min + " to " + max + ", got " + describe(value));
        }
        if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw new InvalidInputException("'" + field + "' must be from " + min + " to " + max + ", got " + value.asText());
        }
        return Optional.of((int) value.longValue());
    }

    public String requiredText(ObjectNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidInputException("'" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw new InvalidInputException("'" + field + "' must be a string, got " + describe(value));
        }
        String text = value.textValue().strip();
        if (text.isEmpty() || text.length() > maxLength) {
            throw new InvalidInputException("'" + field + "' must be 1 to " + maxLength + " characters");
        }
        return text;
    }

    /** A non-negative amount with at most two decimals, given as a JSON number or a numeric string. */
    public BigDecimal requiredMoney(ObjectNode body, String field, BigDecimal max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidInputException("'" + field + "' is required");
        }
        BigDecimal amount;
        if (value.isNumber()) {
            amount = value.decimalValue();
        } else if (value.isTextual()) {
            try {
                amount = new BigDecimal(value.textValue().strip());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("'" + field + "' must be a decimal number, got \"" + value.textValue() + "\"");
            }
        } else {
            throw new InvalidInputException("'" + field + "' must be a number, got " + describe(value));
        }
        if (amount.signum() < 0 || amount.compareTo(max) > 0) {
            throw new InvalidInputException("'" + field + "' must be from 0 to " + max.toPlainString() + ", got " + amount.toPlainString());
        }
        if (amount.stripTrailingZeros().scale() > 2) {
            throw new InvalidInputException("'" + field + "' must have at most two decimals, got " + amount.toPlainString());
        }
        return amount.setScale(2, java.math.RoundingMode.UNNECESSARY);
    }

    private static String describe(JsonNode node) {
        String type = switch (node.getNodeType()) {
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
        String text = node.toString();
        return type + " (" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + ")";
    }
}
