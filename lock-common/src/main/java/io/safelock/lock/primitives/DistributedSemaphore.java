package io.safelock.lock.primitives;

import io.safelock.lock.LockName;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.function.Function;

/**
 * N permits across processes. Each permit is a slot with a lease of its own: it expires if its holder
 * dies and is extended while {@link #withPermits} runs. Under Redlock every slot is a quorum lock, so at
 * most N permits are held at once; each slot has its own fencing token. No order among waiters: a
 * caller wanting many permits may wait behind callers wanting few.
 */
public final class DistributedSemaphore {

    private final PrimitiveEngine engine;
    private final LockName name;
    private final int total;

    DistributedSemaphore(PrimitiveEngine engine, LockName name, int total) {
        this.engine = engine;
        this.name = name;
        this.total = total;
    }

    public LockName name() {
        return name;
    }

    public int totalPermits() {
        return total;
    }

    private Claim claim(int permits) {
        if (permits < 1 || permits > total) {
            throw new IllegalArgumentException("permits must be between 1 and " + total + " but was " + permits);
        }
        return new Claim(Claim.Kind.PERMITS, name, engine.settings().keyPrefix(), total, permits, 0, 0);
    }

    public Uni<Hold> tryAcquire(int permits) {
        return tryAcquire(permits, engine.settings().leaseTtl());
    }

    /** One attempt; {@link io.safelock.lock.LockBusyException} when too few permits are free. */
    public Uni<Hold> tryAcquire(int permits, Duration ttl) {
        return engine.tryAcquire(claim(permits), ttl);
    }

    public Uni<Hold> acquire(int permits, Duration maxWait) {
        return acquire(permits, engine.settings().leaseTtl(), maxWait);
    }

    /** Waits up to {@code maxWait}; {@link io.safelock.lock.LockWaitTimeoutException} when no permits came free. */
    public Uni<Hold> acquire(int permits, Duration ttl, Duration maxWait) {
        return engine.acquire(claim(permits), ttl, maxWait);
    }

    public <T> Uni<T> withPermits(int permits, Duration maxWait, Function<HoldGuard, Uni<T>> work) {
        return withPermits(permits, engine.settings().leaseTtl(), maxWait, work);
    }

    public <T> Uni<T> withPermits(int permits, Duration ttl, Duration maxWait, Function<HoldGuard, Uni<T>> work) {
        return engine.with(acquire(permits, ttl, maxWait), work);
    }
}
