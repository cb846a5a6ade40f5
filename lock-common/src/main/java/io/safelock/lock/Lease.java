package io.safelock.lock;

import io.safelock.lock.internal.Extendable;
import io.safelock.lock.internal.LeaseFactory;
import io.safelock.lock.internal.LeaseOperations;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A granted lock: who owns it (a random token), its fencing token, and until when it is valid.
 * Pass {@link #fencingToken()} with every write to the protected resource and let the resource refuse
 * writes that carry a lower token than it has seen: that is what keeps a paused or partitioned former
 * holder from doing damage after its lease ran out.
 */
public final class Lease implements Extendable {

    static {
        LeaseFactory.install(new LeaseAccess());
    }

    /** Who granted it: {@link DistributedLocks}, or an in-memory stand-in in unit tests. */
    private final LeaseOperations locks;
    private final LockName name;
    private final String token;
    private final String waiter;
    private final long fencingToken;
    private final long acquiredNanos;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean expired;
    /** This process's turn for the name: left when the lease ends, so the next local caller may go. */
    private final LocalLine<Acquisitions.Waiter, Acquisitions.HandedOver>.Turn turn;
    private volatile boolean lost;
    private volatile long validUntilNanos;
    private volatile Duration ttl;
    private volatile long expiryTimer = -1;

    Lease(LeaseOperations locks, LockName name, String token, String waiter, long fencingToken, long validUntilNanos,
          Duration ttl, LocalLine<Acquisitions.Waiter, Acquisitions.HandedOver>.Turn turn) {
        this.locks = locks;
        this.name = name;
        this.token = token;
        this.waiter = waiter;
        this.fencingToken = fencingToken;
        this.validUntilNanos = validUntilNanos;
        this.ttl = ttl;
        this.turn = turn;
        this.acquiredNanos = System.nanoTime();
    }

    public LockName name() {
        return name;
    }

    /** The random value that marks this owner in Redis. */
    public String token() {
        return token;
    }

    /** Strictly greater than the token of every earlier holder of this lock name. */
    public long fencingToken() {
        return fencingToken;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Time left before the lease must be treated as lost (TTL minus elapsed time and clock-drift allowance). */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, validUntilNanos - System.nanoTime()));
    }

    /** Wall-clock estimate of {@link #remaining()}'s end, for logs and responses. */
    public Instant validUntil() {
        return Instant.now().plus(remaining());
    }

    /** Not released, not known to be lost, and still inside its validity time. */
    public boolean isValid() {
        return !finished.get() && !lost && System.nanoTime() < validUntilNanos;
    }

    /**
     * Deletes the key where this lease still owns it; never touches a later holder's key. Idempotent.
     * The release starts at once and runs to its end even if the returned Uni is cancelled.
     */
    public Uni<Void> release() {
        if (!finished.compareAndSet(false, true)) {
            if (expired) {
                locks.releasedAfterExpiry(this);
            }
            return Uni.createFrom().voidItem();
        }
        return locks.release(this);
    }

    /** Resets the TTL where this lease still owns the key; fails with {@link LeaseLostException} otherwise. */
    public Uni<Lease> extend(Duration newTtl) {
        DistributedLocks.requireTtl(newTtl);
        if (finished.get()) {
            return Uni.createFrom().failure(new LeaseLostException(name, fencingToken, "already released"));
        }
        return locks.extend(this, newTtl);
    }

    void expiryTimer(long timerId) {
        this.expiryTimer = timerId;
    }

    long expiryTimer() {
        return expiryTimer;
    }

    String waiter() {
        return waiter;
    }

    /** Inside its validity time (release() has already marked it finished when this is asked). */
    boolean isValidIgnoringRelease() {
        return !expired && !lost && System.nanoTime() < validUntilNanos;
    }

    long validUntilNanos() {
        return validUntilNanos;
    }

    void extended(long validUntilNanos, Duration newTtl) {
        this.validUntilNanos = validUntilNanos;
        this.ttl = newTtl;
    }

    long acquiredNanos() {
        return acquiredNanos;
    }

    LocalLine<Acquisitions.Waiter, Acquisitions.HandedOver>.Turn turn() {
        return turn;
    }

    /** An extension was refused or the validity ran out while work held it. */
    void markLost() {
        lost = true;
    }

    /** Marks the lease finished without talking to Redis (it expired locally); true the first time. */
    boolean expireLocally() {
        if (finished.compareAndSet(false, true)) {
            expired = true;
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "Lease[" + name + ", fencingToken=" + fencingToken + ", remaining=" + remaining().toMillis() + "ms]";
    }
}
