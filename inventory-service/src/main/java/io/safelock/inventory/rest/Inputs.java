package io.safelock.inventory.rest;

import io.safelock.lock.quarkus.http.InvalidInputException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/** Path, query, header and body values, validated before any work starts. */
public final class Inputs {

    /** Longest Idempotency-Key accepted. */
    public static final int MAX_KEY_LENGTH = 255;

    private Inputs() {
    }

    public static long productId(String raw) {
        return positiveLong("productId", raw);
    }

    public static long positiveLong(String name, String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > 18 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidInputException(name + " must be a positive integer, got '" + abbreviate(raw) + "'");
        }
        long value = Long.parseLong(raw);
        if (value < 1) {
            throw new InvalidInputException(name + " must be a positive integer, got '" + raw + "'");
        }
        return value;
    }

    /** An optional integer query parameter in [min, max]. */
    public static int intParam(String name, String raw, int fallback, int min, int max) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new InvalidInputException(name + " must be an integer from " + min + " to " + max + ", got '" + abbreviate(raw) + "'");
    }

    /** An optional {@code true}/{@code false} query parameter. */
    public static boolean bool(String name, String raw, boolean fallback) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        return switch (raw) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidInputException(name + " must be true or false, got '" + abbreviate(raw) + "'");
        };
    }

    /** {@code ?delayMs=} overrides the configured processing delay for one request, up to {@code max}. */
    public static Duration delay(String raw, Duration fallback, Duration max) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        return Duration.ofMillis(intParam("delayMs", raw, 0, 0, (int) Math.min(Integer.MAX_VALUE, max.toMillis())));
    }

    /** Printable ASCII without spaces, 1 to 255 characters; absent means no idempotency. */
    public static String idempotencyKey(String raw) {
        if (raw == null) {
            return null;
        }
        if (raw.isEmpty() || raw.length() > MAX_KEY_LENGTH || !raw.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InvalidInputException("Idempotency-Key must be 1 to " + MAX_KEY_LENGTH
                    + " printable ASCII characters without spaces");
        }
        return raw;
    }

    private static String abbreviate(String raw) {
        if (raw == null) {
            return "";
        }
        return raw.length() > 40 ? raw.substring(0, 40) + "…" : raw;
    }

    /** An optional body field in [min, max]; absent gives {@code fallback}. */
    public static int inRange(String field, Integer value, int fallback, int min, int max) {
        return value == null ? fallback : required(field, value, min, max);
    }

    public static int required(String field, Integer value, int min, int max) {
        if (value == null) {
            throw new InvalidInputException("'" + field + "' is required: a whole number from " + min + " to " + max);
        }
        if (value < min || value > max) {
            throw new InvalidInputException("'" + field + "' must be from " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    /** Required text, stripped, 1 to {@code maxLength} characters. */
    public static String text(String field, String value, int maxLength) {
        if (value == null) {
            throw new InvalidInputException("'" + field + "' is required");
        }
        String text = value.strip();
        if (text.isEmpty() || text.length() > maxLength) {
            throw new InvalidInputException("'" + field + "' must be 1 to " + maxLength + " characters");
        }
        return text;
    }

    /** A required amount from 0 to {@code max} with at most two decimals. */
    public static BigDecimal money(String field, BigDecimal amount, BigDecimal max) {
        if (amount == null) {
            throw new InvalidInputException("'" + field + "' is required");
        }
        if (amount.signum() < 0 || amount.compareTo(max) > 0) {
            throw new InvalidInputException("'" + field + "' must be from 0 to " + max.toPlainString() + ", got "
                    + (amount.abs().compareTo(max.multiply(BigDecimal.TEN)) > 0 ? amount.toString() : amount.toPlainString()));
        }
        if (amount.stripTrailingZeros().scale() > 2) {
            throw new InvalidInputException("'" + field + "' must have at most two decimals, got " + amount.toPlainString());
        }
        return amount.setScale(2, RoundingMode.UNNECESSARY);
    }
}
