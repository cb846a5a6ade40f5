package io.safelock.counter.service;

import io.safelock.counter.config.Replica;
import io.safelock.counter.store.CounterOverflowException;
import io.safelock.counter.store.CounterStore;
import io.safelock.counter.store.FenceClaim;
import io.safelock.counter.store.OnceResult;
import io.safelock.lock.LockGuard;
import io.safelock.lock.LockName;
import io.safelock.lock.Locks;
import io.safelock.lock.primitives.HoldGuard;
import io.safelock.lock.primitives.LockPrimitives;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The read-modify-write of {@code unsafe} mode made safe: done inside the counter's distributed lock,
 * the read claiming the counter's fence for the lease's token and the write accepted only while the fence
 * still carries it. Waiting for a busy lock is lock-common's job ({@code lock.wait-timeout}, backoff, wake-up on
 * release); whatever it ends with (busy after the wait, quorum unavailable, lease lost) and a write refused by the
 * fence fail the update, answered by the services' one lock-failure contract (409 or 503) with nothing written.
 */
@Singleton
public class LockedUpdate {

    private static final Logger LOG = Logger.getLogger(LockedUpdate.class);

    /** Lock group of every counter: one metric series, the counter name is the lock id. */
    public static final String LOCK_GROUP = "counter";

    private final Locks locks;
    private final LockPrimitives primitives;
    private final CounterStore store;
    private final String replica;

    public LockedUpdate(Locks locks, LockPrimitives primitives, CounterStore store, Replica replica) {
        this.locks = locks;
        this.primitives = primitives;
        this.store = store;
        this.replica = replica.name();
    }

    public static LockName lockName(String counter) {
        return LockName.of(LOCK_GROUP, counter);
    }

    /**
     * Under the lock: claim the counter's fence and read it (one script), think, write only while the
     * fence still carries this lease's token; the value after the write.
     */
    public Uni<UpdateResult> increment(String counter, long by, int thinkTimeMs) {
        return underLock(counter, guard -> readThinkWrite(counter, by, thinkTimeMs, guard.fencingToken(), guard::ensureHeld, Mode.LOCKED));
    }

    /**
     * The same steps under the counter's fair lock: callers of every replica are served in the order they
     * arrived at the lock nodes (their tickets). The holder first appends its ticket to the counter's grant
     * log, so the log's order is the order of the grants (see {@link io.safelock.counter.experiment.RaceExperiment}).
     * The write is fenced like a locked one: the fair lock's tokens come from the same node sequence.
     */
    public Uni<UpdateResult> incrementFair(String counter, long by, int thinkTimeMs) {
        return underFairLock(counter, guard -> store.recordFairGrant(counter, guard.hold().queueTicket())
                .flatMap(recorded -> readThinkWrite(counter, by, thinkTimeMs, guard.fencingToken(), guard::ensureHeld, Mode.FAIR)));
    }

    private Uni<UpdateResult> readThinkWrite(String counter, long by, int thinkTimeMs, long token, Runnable ensureHeld, Mode mode) {
        return store.claimAndGet(counter, token).flatMap(claim -> switch (claim) {
            case FenceClaim.Refused refused -> Uni.createFrom().failure(new FencedOutException(counter, token, refused.recorded()));
            case FenceClaim.Claimed claimed -> {
                long current = claimed.value();
                LOG.debugf("[%s] in critical section of %s: read %d, writing %d (fencing token %d)",
                        replica, counter, current, current + by, token);
                yield Think.pause(thinkTimeMs).flatMap(ignored -> {
                    ensureHeld.run();
                    long next = add(counter, current, by);
                    return store.setIfClaimed(counter, next, token).map(written -> {
                        if (!written) {
                            throw new FencedOutException(counter, token);
                        }
                        return new UpdateResult(counter, next, mode.tag(), replica, token);
                    });
                });
            }
        });
    }

    /**
     * Sets the counter to 0 under its lock, claiming the fence for this lease's token in the same step:
     * refused (nothing written) if a holder with this token or a later one
     * has claimed the counter, so the fence never falls and no earlier holder can write afterwards.
     */
    public Uni<UpdateResult> reset(String counter) {
        return underLock(counter, guard -> store.reset(counter, guard.fencingToken()).map(claim -> switch (claim) {
            case FenceClaim.Refused refused -> throw new FencedOutException(counter, guard.fencingToken(), refused.recorded());
            case FenceClaim.Claimed claimed -> new UpdateResult(counter, 0, "reset", replica, guard.fencingToken());
        }));
    }

    /**
     * Adds {@code by} under the counter's lock unless {@code markerKey} exists, writing the marker in the same
     * step as the increment: the way commands from the broker are applied exactly once.
     */
    public Uni<OnceResult> applyOnce(String counter, long by, String markerKey, Duration markerTtl) {
        return underLock(counter, guard -> {
            LOG.debugf("[%s] in critical section of %s: applying %s (fencing token %d)", replica, counter, markerKey, guard.fencingToken());
            return store.applyOnce(counter, by, guard.fencingToken(), markerKey, markerTtl, replica).map(result -> {
                if (result.outcome() == OnceResult.Outcome.FENCED) {
                    throw new FencedOutException(counter, guard.fencingToken());
                }
                return result;
            });
        });
    }

    private <T> Uni<T> underLock(String counter, Function<LockGuard, Uni<T>> work) {
        LockName name = lockName(counter);
        long started = System.nanoTime();
        LOG.debugf("[%s] acquiring lock %s", replica, name);
        return locks.withLock(name, guard -> {
            LOG.debugf("[%s] acquired lock %s (fencing token %d) after %d ms", replica, name, guard.fencingToken(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            return work.apply(guard).invoke(done -> LOG.debugf("[%s] releasing lock %s (fencing token %d)",
                    replica, name, guard.fencingToken()));
        }).onFailure().invoke(failure -> LOG.debugf("[%s] locked update of %s failed: %s", replica, name, failure.getMessage()));
    }

    /** As {@link #underLock}, with the counter's fair lock. */
    private <T> Uni<T> underFairLock(String counter, Function<HoldGuard, Uni<T>> work) {
        LockName name = lockName(counter);
        return primitives.fair().withLock(name, locks.leaseTtl(), locks.waitTimeout(), guard -> {
            LOG.debugf("[%s] granted fair lock %s (ticket %d, fencing token %d)", replica, name, guard.hold().queueTicket(),
                    guard.fencingToken());
            return work.apply(guard);
        }).onFailure().invoke(failure -> LOG.debugf("[%s] fair update of %s failed: %s", replica, name, failure.getMessage()));
    }

    static long add(String counter, long current, long by) {
        try {
            return Math.addExact(current, by);
        } catch (ArithmeticException e) {
            throw new CounterOverflowException(counter, by);
        }
    }
}
