package io.safelock.counter.service;

import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.safelock.counter.store.CounterOverflowException;
import io.safelock.counter.store.CounterStore;
import io.safelock.counter.store.FenceClaim;
import io.safelock.counter.store.OnceResult;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.LockGuard;
import io.safelock.lock.LockName;
import io.safelock.lock.LockWaitTimeoutException;
import io.safelock.lock.QuorumUnavailableException;
import io.safelock.lock.WorkGuard;
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
 * still carries it. A lock that stays busy or unreachable is retried a few times.
 */
@Singleton
public class LockedUpdate {

    private static final Logger LOG = Logger.getLogger(LockedUpdate.class);

    /** Lock group of every counter: one metric series, the counter name is the lock id. */
    public static final String LOCK_GROUP = "counter";

    private final DistributedLocks locks;
    private final LockPrimitives primitives;
    private final CounterStore store;
    private final String replica;
    private final int maxAttempts;

    public LockedUpdate(DistributedLocks locks, LockPrimitives primitives, CounterStore store, Replica replica, CounterConfig config) {
        this.locks = locks;
        this.primitives = primitives;
        this.store = store;
        this.replica = replica.name();
        this.maxAttempts = Math.max(1, config.locked().maxAttempts());
    }

    public static LockName lockName(String counter) {
        return LockName.of(LOCK_GROUP, counter);
    }

    /**
     * Under the lock: claim the counter's fence and read it (one script), think, write only while the
     * fence still carries this lease's token; the value after the write.
     */
    public Uni<UpdateResult> increment(String counter, long by, int thinkTimeMs) {
        return underLock(counter, 1, guard -> readThinkWrite(counter, by, thinkTimeMs, guard, Mode.LOCKED));
    }

    /**
     * The same steps under the counter's fair lock: callers of every replica are served in the order they
     * arrived at the lock nodes (their tickets). The holder first appends its ticket to the counter's grant
     * log, so the log's order is the order of the grants (see {@link io.safelock.counter.experiment.RaceExperiment}).
     * The write is fenced like a locked one: the fair lock's tokens come from the same node sequence.
     */
    public Uni<UpdateResult> incrementFair(String counter, long by, int thinkTimeMs) {
        return underFairLock(counter, 1, guard -> store.recordFairGrant(counter, guard.hold().queueTicket())
                .flatMap(recorded -> readThinkWrite(counter, by, thinkTimeMs, guard, Mode.FAIR)));
    }

    private Uni<UpdateResult> readThinkWrite(String counter, long by, int thinkTimeMs, WorkGuard guard, Mode mode) {
        return store.claimAndGet(counter, guard.fencingToken()).flatMap(claim -> switch (claim) {
            case FenceClaim.Refused refused -> Uni.createFrom().failure(new FencedOutException(counter, guard.fencingToken(), refused.recorded()));
            case FenceClaim.Claimed claimed -> {
                long current = claimed.value();
                LOG.debugf("[%s] in critical section of %s: read %d, writing %d (fencing token %d)",
                        replica, counter, current, current + by, guard.fencingToken());
                yield Think.pause(thinkTimeMs).flatMap(ignored -> {
                    guard.ensureHeld();
                    long next = add(counter, current, by);
                    return store.setIfClaimed(counter, next, guard.fencingToken()).map(written -> {
                        if (!written) {
                            throw new FencedOutException(counter, guard.fencingToken());
                        }
                        return new UpdateResult(counter, next, mode.tag(), replica, guard.fencingToken());
                    });
                });
            }
        });
    }

    /**
     * Sets the counter to 0 under its lock, claiming the fence for this lease's token in the same step:
     * refused (nothing written, tried again with a new lease) if a holder with this token or a later one
     * has claimed the counter, so the fence never falls and no earlier holder can write afterwards.
     */
    public Uni<UpdateResult> reset(String counter) {
        return underLock(counter, 1, guard -> store.reset(counter, guard.fencingToken()).map(claim -> switch (claim) {
            case FenceClaim.Refused refused -> throw new FencedOutException(counter, guard.fencingToken(), refused.recorded());
            case FenceClaim.Claimed claimed -> new UpdateResult(counter, 0, "reset", replica, guard.fencingToken());
        }));
    }

    /**
     * Adds {@code by} under the counter's lock unless {@code markerKey} exists, writing the marker in the same
     * step as the increment: the way commands from the broker are applied exactly once.
     */
    public Uni<OnceResult> applyOnce(String counter, long by, String markerKey, Duration markerTtl) {
        return underLock(counter, 1, guard -> {
            LOG.debugf("[%s] in critical section of %s: applying %s (fencing token %d)", replica, counter, markerKey, guard.fencingToken());
            return store.applyOnce(counter, by, guard.fencingToken(), markerKey, markerTtl, replica).map(result -> {
                if (result.outcome() == OnceResult.Outcome.FENCED) {
                    throw new FencedOutException(counter, guard.fencingToken());
                }
                return result;
            });
        });
    }

    private <T> Uni<T> underLock(String counter, int attempt, Function<LockGuard, Uni<T>> work) {
        LockName name = lockName(counter);
        long started = System.nanoTime();
        LOG.debugf("[%s] acquiring lock %s (attempt %d of %d)", replica, name, attempt, maxAttempts);
        Uni<T> locked = locks.withLock(name, guard -> {
            LOG.debugf("[%s] acquired lock %s (fencing token %d) after %d ms", replica, name, guard.fencingToken(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            return work.apply(guard).invoke(done -> LOG.debugf("[%s] releasing lock %s (fencing token %d)",
                    replica, name, guard.fencingToken()));
        });
        return locked.onFailure(LockedUpdate::retryable).recoverWithUni(failure -> {
            if (attempt >= maxAttempts) {
                LOG.infof("[%s] giving up on lock %s after %d attempts: %s", replica, name, attempt, failure.getMessage());
                return Uni.createFrom().failure(failure);
            }
            LOG.debugf("[%s] failed to acquire lock %s (%s) — retrying", replica, name, failure.getMessage());
            return underLock(counter, attempt + 1, work);
        });
    }

    /** As {@link #underLock}, with the counter's fair lock: a retry takes a new ticket, at the back of the line. */
    private <T> Uni<T> underFairLock(String counter, int attempt, Function<HoldGuard, Uni<T>> work) {
        LockName name = lockName(counter);
        Uni<T> locked = primitives.fair().withLock(name, locks.settings().leaseTtl(), locks.settings().waitTimeout(), guard -> {
            LOG.debugf("[%s] granted fair lock %s (ticket %d, fencing token %d)", replica, name, guard.hold().queueTicket(),
                    guard.fencingToken());
            return work.apply(guard);
        });
        return locked.onFailure(LockedUpdate::retryable).recoverWithUni(failure -> {
            if (attempt >= maxAttempts) {
                LOG.infof("[%s] giving up on fair lock %s after %d attempts: %s", replica, name, attempt, failure.getMessage());
                return Uni.createFrom().failure(failure);
            }
            return underFairLock(counter, attempt + 1, work);
        });
    }

    /**
     * Busy, unreachable and fenced-out attempts wrote nothing, so trying again cannot double an increment.
     * A lease lost mid-work is not retried: the write may or may not have landed.
     */
    private static boolean retryable(Throwable failure) {
        return failure instanceof LockWaitTimeoutException || failure instanceof QuorumUnavailableException
                || failure instanceof FencedOutException;
    }

    static long add(String counter, long current, long by) {
        try {
            return Math.addExact(current, by);
        } catch (ArithmeticException e) {
            throw new CounterOverflowException(counter, by);
        }
    }
}
