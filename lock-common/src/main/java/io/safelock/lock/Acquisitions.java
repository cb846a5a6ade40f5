package io.safelock.lock;

import io.safelock.lock.config.LockSettings;
import io.safelock.lock.internal.HandOff;
import io.safelock.lock.internal.ReleaseSignals;
import io.safelock.lock.metrics.LockEvents;
import io.safelock.lock.metrics.LockMetrics;
import io.safelock.lock.metrics.LockMetrics.Outcome;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * How callers of this process get a lock and give it back: the local line per name, attempts against
 * Redis with backoff and release wake-ups, reservations against starvation, and the hand-over of a
 * released lock to the next local waiter in one round trip.
 *
 * <p>Cancellation never cuts a Redis round trip short: a cancelled caller is marked, and the attempt in
 * flight finishes; its lease, if any, is released, its reservation dropped and its turn left (see
 * {@link HandOff#runToEnd}). So a caller that goes away leaves neither a key nobody owns nor a name blocked
 * in this process.
 */
final class Acquisitions {

    private static final Logger LOG = Logger.getLogger(Acquisitions.class);
    /**
     * Attempts in a row that may fail for want of a quorum before acquire gives up: enough to ride out
     * a blip, few enough that callers learn of an outage in a few node timeouts instead of at their deadline.
     */
    static final int UNAVAILABLE_ATTEMPTS = 3;

    /** A lock taken over in Redis for the next waiter of this process, straight from the releasing lease. */
    record HandedOver(LockName name, String token, Redlock.Attempt.Granted granted) {
    }

    private final DistributedLocks locks;
    private final LockSettings settings;
    private final LockMetrics metrics;
    private final Redlock redlock;
    private final LocalLine<Waiter, HandedOver> line = new LocalLine<>(this::abandoned);
    private final ReleaseSignals signals = new ReleaseSignals();
    private final java.util.Set<String> nodeSetMismatchLogged = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Acquisitions(DistributedLocks locks, LockSettings settings, LockMetrics metrics, Redlock redlock) {
        this.locks = locks;
        this.settings = settings;
        this.metrics = metrics;
        this.redlock = redlock;
    }

    /** Told by the release listeners: {@code name} was released somewhere. */
    void released(String name) {
        signals.released(name);
    }

    // ---------------------------------------------------------------- one attempt

    Uni<Lease> tryAcquire(LockName name, Duration ttl, String label) {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            LocalLine<Waiter, HandedOver>.Turn turn = line.tryEnter(name.value());
            if (turn == null) {
                metrics.acquireFinished(name.group(), Outcome.BUSY, since(started));
                LockEvents.failed(name.value(), "lock", LockEvents.PROCESS, "busy", since(started).toMillis(), 0, java.util.Map.of());
                return Uni.createFrom().failure(new LockBusyException(name, Duration.ofMillis(-1), "held or being acquired in this process"));
            }
            String token = newToken();
            Uni<Lease> once = redlock.attempt(name, token, token, ttl, false, LockOwner.thisProcess(label)).map(attempt -> switch (attempt) {
                case Redlock.Attempt.Granted granted -> locks.granted(name, token, token, ttl, granted, turn, started, label, 1);
                case Redlock.Attempt.Busy busy -> {
                    turn.leave();
                    metrics.contended(name.group());
                    metrics.acquireFinished(name.group(), Outcome.BUSY, since(started));
                    LockEvents.failed(name.value(), "lock", LockEvents.PROCESS, "busy", since(started).toMillis(), 1, java.util.Map.of());
                    throw new LockBusyException(name, Duration.ofMillis(busy.heldForMs()), busy.reason());
                }
                case Redlock.Attempt.Unavailable unavailable -> {
                    turn.leave();
                    throw unavailable(name, unavailable, started);
                }
                case Redlock.Attempt.OtherNodeSet other -> {
                    turn.leave();
                    throw otherNodeSet(name, other, started);
                }
            });
            return HandOff.runToEnd(once, () -> { }, Acquisitions::releaseUnwanted);
        });
    }

    // ---------------------------------------------------------------- waiting

    /** One caller waiting for a lock: its deadline, attempts so far and what it reserved. */
    final class Waiter {
        final LockName name;
        final Duration ttl;
        final long started;
        final long deadline;
        /** The same for all attempts: what a reservation is made for. */
        final String id = newToken();
        /** Stored with the lock for inspect (e.g. an order request id). */
        final String label;
        /** Recorded with the lock where it is granted. */
        final LockOwner owner;
        String token;
        int count;
        boolean reserved;
        /** The last attempt failed for want of a quorum (not because the lock was held). */
        Redlock.Attempt.Unavailable lastUnavailable;
        int unavailableInARow;
        volatile boolean cancelled;
        /** Ends the current backoff sleep early, if there is one. */
        volatile Runnable wake;

        Waiter(LockName name, Duration ttl, long started, Duration maxWait, String label) {
            this.name = name;
            this.label = label;
            this.owner = LockOwner.thisProcess(label);
            this.ttl = ttl;
            this.started = started;
            this.deadline = started + maxWait.toNanos();
        }

        boolean shouldReserve() {
            return settings.reserveAfterAttempts() > 0 && count >= settings.reserveAfterAttempts();
        }

        Duration backoff() {
            // full jitter: uniform in [0, min(max, initial * 2^n)]
            long capNanos = Math.min(settings.maxBackoff().toNanos(),
                    settings.initialBackoff().toNanos() << Math.min(20, Math.max(0, count - 1)));
            return Duration.ofNanos(ThreadLocalRandom.current().nextLong(capNanos + 1));
        }

        Duration left() {
            return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        }

        /** The caller went away: leave the line now, or stop at the next step. */
        void cancel() {
            cancelled = true;
            line.giveUp(name.value(), this);
            Runnable sleeping = wake;
            if (sleeping != null) {
                sleeping.run();
            }
        }
    }

    Uni<Lease> acquire(LockName name, Duration ttl, Duration maxWait, String label) {
        return Uni.createFrom().deferred(() -> {
            Waiter waiter = new Waiter(name, ttl, System.nanoTime(), maxWait, label);
            metrics.waiting(name.group(), 1);
            Uni<Lease> waited = line.enter(name.value(), maxWait, waiter)
                    .flatMap(turn -> {
                        if (turn == null) {
                            return Uni.createFrom().failure(waiter.cancelled ? new CancellationException("cancelled") : timeout(waiter));
                        }
                        if (turn.grant() != null) {
                            // the holder before us took the lock over on our behalf: no round trip of our own
                            HandedOver handed = turn.grant();
                            return Uni.createFrom().item(locks.granted(name, handed.token(), waiter.id, ttl, handed.granted(), turn, waiter.started,
                                    waiter.label, waiter.count));
                        }
                        return contend(waiter, turn);
                    })
                    .onTermination().invoke(() -> metrics.waiting(name.group(), -1));
            return HandOff.runToEnd(waited, waiter::cancel, Acquisitions::releaseUnwanted);
        });
    }

    private Uni<Lease> contend(Waiter w, LocalLine<Waiter, HandedOver>.Turn turn) {
        if (w.cancelled) {
            return giveUp(w, turn, new CancellationException("cancelled"));
        }
        boolean reserve = w.shouldReserve();
        w.reserved |= reserve;
        w.count++;
        long stamp = signals.stamp(w.name.value());
        w.token = newToken();
        return redlock.attempt(w.name, w.token, w.id, w.ttl, reserve, w.owner).flatMap(attempt -> switch (attempt) {
            // granted even if the caller left meanwhile: HandOff releases what nobody wants
            case Redlock.Attempt.Granted granted -> Uni.createFrom().item(locks.granted(w.name, w.token, w.id, w.ttl, granted, turn, w.started,
                    w.label, w.count));
            case Redlock.Attempt.Busy busy -> {
                w.lastUnavailable = null;
                w.unavailableInARow = 0;
                metrics.contended(w.name.group());
                LOG.debugf("Lock %s busy (attempt %d, %s, holder has %d ms left)", w.name, w.count, busy.reason(), busy.heldForMs());
                yield retryOrGiveUp(w, turn, busy.heldForMs(), stamp);
            }
            case Redlock.Attempt.Unavailable unavailable -> {
                w.lastUnavailable = unavailable;
                w.unavailableInARow++;
                LOG.debugf("Lock %s: quorum unavailable on attempt %d: %s", w.name, w.count, unavailable.failedNodes());
                yield retryOrGiveUp(w, turn, -1, stamp);
            }
            case Redlock.Attempt.OtherNodeSet other -> giveUp(w, turn, otherNodeSet(w.name, other, w.started));
        });
    }

    private Uni<Lease> retryOrGiveUp(Waiter w, LocalLine<Waiter, HandedOver>.Turn turn, long heldForMs, long stamp) {
        Duration left = w.left();
        if (w.cancelled) {
            return giveUp(w, turn, new CancellationException("cancelled"));
        }
        if (left.isZero() || w.unavailableInARow >= UNAVAILABLE_ATTEMPTS) {
            return giveUp(w, turn, w.lastUnavailable != null ? unavailable(w.name, w.lastUnavailable, w.started) : timeout(w));
        }
        Duration pause = w.backoff();
        if (heldForMs > 0 && heldForMs + 1 < pause.toMillis()) {
            pause = Duration.ofMillis(heldForMs + 1); // the holder's lease ends sooner: try then
        }
        if (pause.compareTo(left) > 0) {
            pause = left;
        }
        // Vert.x (Mutiny's scheduler under Quarkus) refuses timers under 1 ms, and a refused timer never fires
        pause = DistributedLocks.atLeastOneMilli(pause);
        // while nodes are failing no release will be announced: the stamp then only matters for the wake-up hook
        long since = w.lastUnavailable != null ? signals.stamp(w.name.value()) : stamp;
        return signals.sleep(w.name.value(), pause, since, wake -> w.wake = wake)
                .flatMap(ignored -> {
                    w.wake = null;
                    return contend(w, turn);
                });
    }

    /** Leaves the turn, drops a reservation this waiter made, and fails with {@code failure}. */
    private Uni<Lease> giveUp(Waiter w, LocalLine<Waiter, HandedOver>.Turn turn, RuntimeException failure) {
        turn.leave();
        if (w.reserved) {
            // drop our reservation so it does not block others
            redlock.releaseIgnoringFailures(w.name, w.token, w.id).subscribe().with(ignored -> { });
        }
        return Uni.createFrom().failure(failure);
    }

    // ---------------------------------------------------------------- release and hand-over

    /**
     * Gives the lock back: straight to the next waiter of this process if there is one and the lease is
     * still valid (one round trip: the key goes from this lease's token to the waiter's, with a new
     * fencing token), else a plain release. A waiter of another process that reserved the next turn still
     * gets it: then the hand-over is refused and this is a plain release. Returns on how many nodes the
     * key was still ours, or -1 when handed over.
     */
    Uni<Integer> release(Lease lease) {
        if (line.nextWaiting(lease.name().value()) instanceof Waiter next && lease.isValidIgnoringRelease()) {
            return handOver(lease, next);
        }
        return plainRelease(lease);
    }

    private Uni<Integer> plainRelease(Lease lease) {
        return redlock.release(lease.name(), lease.token(), lease.waiter())
                .onTermination().invoke(() -> lease.turn().leave());
    }

    private Uni<Integer> handOver(Lease lease, Waiter next) {
        String token = newToken();
        return redlock.attempt(lease.name(), token, next.id, next.ttl, false, next.owner, lease.token())
                .flatMap(attempt -> {
                    if (attempt instanceof Redlock.Attempt.Granted granted) {
                        LOG.debugf("Handed lock %s over within this process (fencing token %d -> %d)",
                                lease.name(), lease.fencingToken(), granted.fencingToken());
                        if (lease.turn().leave(next, new HandedOver(lease.name(), token, granted))) {
                            return Uni.createFrom().item(-1);
                        }
                        // the waiter gave up in the meantime: undo the take-over
                        return redlock.releaseIgnoringFailures(lease.name(), token, next.id).replaceWith(-1);
                    }
                    return plainRelease(lease);
                });
    }

    /** A turn handed to a waiter whose caller had already gone: undo its grant, if any, and pass the turn on. */
    private void abandoned(LocalLine<Waiter, HandedOver>.Turn turn) {
        HandedOver handed = turn.grant();
        if (handed == null) {
            turn.leave();
            return;
        }
        LOG.debugf("Undoing a hand-over of lock %s to a waiter that left (fencing token %d)", handed.name(), handed.granted().fencingToken());
        redlock.releaseIgnoringFailures(handed.name(), handed.token(), "").subscribe().with(ignored -> turn.leave(), ignored -> turn.leave());
    }

    private static void releaseUnwanted(Lease lease) {
        LOG.debugf("Releasing lock %s (fencing token %d): its caller went away before it was granted, or as it was", lease.name(), lease.fencingToken());
        lease.release().subscribe().with(ignored -> { }, ignored -> { });
    }

    // ---------------------------------------------------------------- failures

    private LockWaitTimeoutException timeout(Waiter w) {
        metrics.acquireFinished(w.name.group(), Outcome.TIMEOUT, since(w.started));
        LOG.debugf("Gave up on lock %s after %d attempts", w.name, w.count);
        LockEvents.failed(w.name.value(), "lock", LockEvents.PROCESS, "timeout", since(w.started).toMillis(), w.count, java.util.Map.of());
        return new LockWaitTimeoutException(w.name, w.count, since(w.started));
    }

    private QuorumUnavailableException unavailable(LockName name, Redlock.Attempt.Unavailable unavailable, long started) {
        metrics.quorumFailure(name.group());
        metrics.acquireFinished(name.group(), Outcome.ERROR, since(started));
        LockEvents.failed(name.value(), "lock", LockEvents.PROCESS, "quorum_unavailable", since(started).toMillis(), -1, unavailable.failedNodes());
        return new QuorumUnavailableException(name, redlock.quorum(), settings.nodes().size(), unavailable.failedNodes());
    }

    private NodeSetMismatchException otherNodeSet(LockName name, Redlock.Attempt.OtherNodeSet other, long started) {
        metrics.acquireFinished(name.group(), Outcome.ERROR, since(started));
        NodeSetMismatchException refused = new NodeSetMismatchException(name, settings.nodeSetId(), other.nodeSets());
        if (nodeSetMismatchLogged.add(other.nodeSets().toString())) {
            LOG.errorf("%s (logged once per other node set; each refusal is counted as an error in lock_acquire_seconds)", refused.getMessage());
        }
        return refused;
    }

    static String newToken() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }

    static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
