package io.safelock.lock.primitives;

import io.safelock.lock.LockName;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.function.Function;

/**
 * Many readers or one writer per name. A writer that waits marks itself on the nodes, and new readers
 * are refused while the mark lives, so writers do not starve behind a stream of readers (readers may
 * wait behind a stream of writers instead). Every grant takes a fencing token from one counter per
 * name: a writer's token is above every reader's and writer's before it, a reader's above every writer's
 * before it.
 */
public final class ReadWriteLocks {

    private final PrimitiveEngine engine;

    ReadWriteLocks(PrimitiveEngine engine) {
        this.engine = engine;
    }

    private Claim claim(Claim.Kind kind, LockName name) {
        return new Claim(kind, PrimitiveEngine.requireName(name), engine.settings().keyPrefix(), 1, 1, engine.markMs, 0);
    }

    public Uni<Hold> tryReadLock(LockName name, Duration ttl) {
        return engine.tryAcquire(claim(Claim.Kind.READ, name), ttl);
    }

    public Uni<Hold> readLock(LockName name, Duration ttl, Duration maxWait) {
        return engine.acquire(claim(Claim.Kind.READ, name), ttl, maxWait);
    }

    public <T> Uni<T> withReadLock(LockName name, Duration ttl, Duration maxWait, Function<HoldGuard, Uni<T>> work) {
        return engine.with(readLock(name, ttl, maxWait), work);
    }

    public Uni<Hold> tryWriteLock(LockName name, Duration ttl) {
        return engine.tryAcquire(claim(Claim.Kind.WRITE, name), ttl);
    }

    public Uni<Hold> writeLock(LockName name, Duration ttl, Duration maxWait) {
        return engine.acquire(claim(Claim.Kind.WRITE, name), ttl, maxWait);
    }

    public <T> Uni<T> withWriteLock(LockName name, Duration ttl, Duration maxWait, Function<HoldGuard, Uni<T>> work) {
        return engine.with(writeLock(name, ttl, maxWait), work);
    }
}
