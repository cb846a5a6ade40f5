package io.safelock.counter.service;

/** The caller asked for something this service refuses (answered with 400); other IllegalArgumentExceptions are bugs. */
public class InvalidInputException extends IllegalArgumentException {

    public InvalidInputException(String message) {
        super(message);
    }
}
