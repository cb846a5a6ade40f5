package io.safelock.counter.queue;

/** A request a consumer has moved in flight; {@code recovered}: it had been taken before by {@code takenBy}, who did not finish. */
record Taken(String requestId, long by, int thinkMs, long position, String takenBy, boolean recovered) {
}
