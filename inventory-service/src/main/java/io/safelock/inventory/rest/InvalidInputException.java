package io.safelock.inventory.rest;

/** Bad input: answered 400 (or the given 4xx status) with {@code {"error": message}}. */
public final class InvalidInputException extends RuntimeException {

    private final int status;

    public InvalidInputException(String message) {
        this(400, message);
    }

    public InvalidInputException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
