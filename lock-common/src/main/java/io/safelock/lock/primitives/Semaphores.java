package io.safelock.lock.primitives;

import io.safelock.lock.LockName;

/** Counting semaphores: {@code semaphores.of(name, permits)}. */
public final class Semaphores {

    private final PrimitiveEngine engine;

    Semaphores(PrimitiveEngine engine) {
        this.engine = engine;
    }

    /**
     * A semaphore with {@code permits} permits. Every process using the name must give the same count:
     * the count is not stored, each permit is a slot 0 … permits − 1 on the nodes.
     */
    public DistributedSemaphore of(LockName name, int permits) {
        if (permits < 1 || permits > 10_000) {
            throw new IllegalArgumentException("permits must be between 1 and 10000 but was " + permits);
        }
        return new DistributedSemaphore(engine, PrimitiveEngine.requireName(name), permits);
    }
}
