package io.safelock.lock.primitives;

import io.safelock.lock.LockName;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.function.Function;

/**
 * Locks granted first come, first served across processes. A caller takes a ticket (the highest of a
 * quorum of per-name counters, so above every ticket whose taking ended before) and joins a queue on
 * every node, ordered by ticket and then waiter id, the same order everywhere; only the head of the
 * queue is granted the lock. A waiter renews a heartbeat with every attempt (at least every third of
 * the heartbeat); a dead waiter is dropped from the queue once its heartbeat expires.
 */
public final class FairLocks {

    private final PrimitiveEngine engine;
    private final Duration heartbeat;

    FairLocks(PrimitiveEngine engine, Duration heartbeat) {
        this.engine = engine;
        this.heartbeat = heartbeat;
    }

    public Duration waiterHeartbeat() {
        return heartbeat;
    }

    private Claim claim(LockName name) {
        return new Claim(Claim.Kind.FAIR, PrimitiveEngine.requireName(name), engine.settings().keyPrefix(), 1, 1, 0, heartbeat.toMillis());
    }

    /** Granted only if nobody holds the lock and nobody waits for it. */
    public Uni<Hold> tryAcquire(LockName name, Duration ttl) {
        return engine.tryAcquire(claim(name), ttl);
    }

    public Uni<Hold> acquire(LockName name, Duration ttl, Duration maxWait) {
        return engine.acquire(claim(name), ttl, maxWait);
    }

    public <T> Uni<T> withLock(LockName name, Duration ttl, Duration maxWait, Function<HoldGuard, Uni<T>> work) {
        return engine.with(acquire(name, ttl, maxWait), work);
    }
}
