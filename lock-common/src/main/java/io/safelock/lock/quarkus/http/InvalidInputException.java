package io.safelock.lock.quarkus.http;

/**
 * The caller asked for something the service refuses: answered with {@link #status()} (400 unless
 * said otherwise, e.g. 404 for an unknown resource) and {@code {"error": message, "reason": …}}.
 * The message is shown to the caller as it is: write it for people, name the field and what is allowed.
 */
public class InvalidInputException extends RuntimeException {

    private final int status;

    public InvalidInputException(String message) {
        this(400, message);
    }

    public InvalidInputException(int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException("bad input is answered with a 4xx status, not " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }
}
