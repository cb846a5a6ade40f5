package io.safelock.lock.primitives;

import io.safelock.lock.internal.Extendable;
import io.safelock.lock.LeaseLostException;
import io.safelock.lock.LockName;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A granted read lock, write lock, fair lock or set of semaphore permits: a lease of its own on the
 * nodes, with a random token, fencing token(s) and a validity deadline. It expires on the nodes if its
 * holder dies; {@code with…} calls extend it while their work runs.
 */
public final class Hold implements Extendable {

    private final PrimitiveEngine engine;
    private final Claim claim;
    private final String token;
    private final SortedMap<Integer, Long> fences;
    private final long acquiredNanos = System.nanoTime();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile long validUntilNanos;
    private volatile Duration ttl;

    Hold(PrimitiveEngine engine, Claim claim, String token, SortedMap<Integer, Long> fences, long validUntilNanos, Duration ttl) {
        this.engine = engine;
        this.claim = claim;
        this.token = token;
        this.fences = Collections.unmodifiableSortedMap(new TreeMap<>(fences));
        this.validUntilNanos = validUntilNanos;
        this.ttl = ttl;
    }

    public LockName name() {
        return claim.name;
    }

    /** "read", "write", "permits" or "fair". */
    public String kind() {
        return claim.kind.side;
    }

    public String token() {
        return token;
    }

    /**
     * Read/write and fair lock: strictly greater than the token of every earlier holder it excludes (a
     * writer's token is above every reader and writer before it; a reader's above every writer before it).
     * Semaphore: the highest of {@link #fencingTokens()}.
     */
    public long fencingToken() {
        return fences.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    /**
     * Semaphore: permit slot (0 … permits − 1) → its fencing token, which rises with each holder of that
     * slot. Other primitives: {0 → {@link #fencingToken()}}.
     */
    public SortedMap<Integer, Long> fencingTokens() {
        return fences;
    }

    /** How many permits this hold has (1 for the locks). */
    public int permits() {
        return fences.size();
    }

    /** Fair lock: this holder's ticket, its place in the queue (lower came first); -1 for the other primitives. */
    public long queueTicket() {
        return claim.kind == Claim.Kind.FAIR ? claim.ticket : -1;
    }

    public Duration ttl() {
        return ttl;
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, validUntilNanos - System.nanoTime()));
    }

    public boolean isValid() {
        return !finished.get() && System.nanoTime() < validUntilNanos;
    }

    /** Ends the lease where this token still holds it; never touches another holder. Idempotent. */
    public Uni<Void> release() {
        if (!finished.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return engine.release(this);
    }

    /** Resets the TTL where this token still holds; fails with {@link LeaseLostException} otherwise. */
    public Uni<Hold> extend(Duration newTtl) {
        PrimitiveEngine.requireTtl(newTtl);
        if (finished.get()) {
            return Uni.createFrom().failure(new LeaseLostException(name(), fencingToken(), "already released"));
        }
        return engine.extend(this, newTtl);
    }

    Claim claim() {
        return claim;
    }

    long acquiredNanos() {
        return acquiredNanos;
    }

    long validUntilNanos() {
        return validUntilNanos;
    }

    void extended(long validUntilNanos, Duration newTtl) {
        this.validUntilNanos = validUntilNanos;
        this.ttl = newTtl;
    }

    @Override
    public String toString() {
        return "Hold[" + name() + " " + kind() + ", fencingTokens=" + fences + ", remaining=" + remaining().toMillis() + "ms]";
    }
}
