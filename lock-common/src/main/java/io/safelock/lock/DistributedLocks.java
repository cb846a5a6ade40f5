package io.safelock.lock;

import io.safelock.lock.config.LockSettings;
import io.safelock.lock.metrics.LockEvents;
import io.safelock.lock.metrics.LockMetrics;
import io.safelock.lock.metrics.LockMetrics.Outcome;
import io.safelock.lock.redis.RedisNode;
import io.safelock.lock.redis.ReleaseListener;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Distributed locks on one Redis node or, with 3, 5, 7 … nodes, Redlock. The reactive entry point:
 * {@link #tryAcquire}, {@link #acquire} and {@link #withLock}; {@link #blocking()} for plain threads.
 *
 * <pre>{@code
 * locks.withLock(LockName.of("product", id), guard ->
 *         repository.decrementStock(id, qty, guard.fencingToken()));
 * }</pre>
 */
public final class DistributedLocks implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DistributedLocks.class);
    private static final Duration MIN_TTL = Duration.ofMillis(10);
    /**
     * Attempts in a row that may fail for want of a quorum before acquire gives up: enough to ride out
     * a blip, few enough that callers learn of an outage in a few node timeouts instead of at their deadline.
     */
    static final int UNAVAILABLE_ATTEMPTS = 3;

    private final Vertx vertx;
    private final LockSettings settings;
    private final LockMetrics metrics;
    private final Redlock redlock;
    private final LocalLine line = new LocalLine();
    private final ReleaseSignals signals = new ReleaseSignals();
    private final List<ReleaseListener> listeners = new ArrayList<>();
    private final BlockingLocks blocking = new BlockingLocks(this);
    private final LockOwnership ownership;
    /** Callers of this process waiting per lock name, for {@link #inspect}. */
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> waitingHere = new java.util.concurrent.ConcurrentHashMap<>();

    private DistributedLocks(Vertx vertx, LockSettings settings, LockMetrics metrics) {
        this.vertx = vertx;
        this.settings = settings;
        this.metrics = metrics;
        List<RedisNode> nodes = settings.nodes().stream()
                .map(address -> new RedisNode(vertx, address, settings, metrics::nodeError)).toList();
        this.redlock = new Redlock(nodes, settings);
        this.ownership = new LockOwnership(nodes, redlock.quorum(), settings.keyPrefix());
        metrics.nodes(nodes.stream().map(RedisNode::name).toList());
        for (var address : settings.nodes()) {
            listeners.add(new ReleaseListener(vertx, address, settings, redlock.channel(), signals::released));
        }
        listeners.forEach(ReleaseListener::start);
        // open the connections now, so the first lock requests do not pay for TCP and HELLO within their node timeout
        Uni.join().all(nodes.stream().map(RedisNode::open).toList()).andFailFast()
                .flatMap(opened -> nodeStatus())
                .subscribe().with(status -> LOG.debugf("Lock nodes at start-up: %s", status), failure -> { });
        LOG.infof("Distributed locks on %s (%s, quorum %d)", settings.nodes(),
                nodes.size() == 1 ? "single node" : "Redlock", redlock.quorum());
    }

    public static DistributedLocks create(Vertx vertx, LockSettings settings, LockMetrics metrics) {
        return new DistributedLocks(Objects.requireNonNull(vertx, "vertx"), Objects.requireNonNull(settings, "settings"),
                metrics == null ? LockMetrics.NONE : metrics);
    }

    public LockSettings settings() {
        return settings;
    }

    public BlockingLocks blocking() {
        return blocking;
    }

    // ---------------------------------------------------------------- acquire

    /** One attempt: the lease, or {@link LockBusyException} / {@link QuorumUnavailableException}. */
    public Uni<Lease> tryAcquire(LockName name, Duration ttl) {
        return tryAcquire(name, ttl, "");
    }

    /** @param label who this lease is for, stored with the lock for {@link #inspect} (e.g. an order request id) */
    public Uni<Lease> tryAcquire(LockName name, Duration ttl, String label) {
        requireName(name);
        requireTtl(ttl);
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            LocalLine.Turn turn = line.tryEnter(name.value());
            if (turn == null) {
                metrics.acquireFinished(name.group(), Outcome.BUSY, since(started));
                LockEvents.failed(name.value(), "lock", holder(label), "busy", since(started).toMillis(), 0, Map.of());
                return Uni.createFrom().failure(new LockBusyException(name, Duration.ofMillis(-1)));
            }
            String token = newToken();
            return redlock.attempt(name, token, token, ttl, false).map(attempt -> switch (attempt) {
                case Redlock.Attempt.Granted granted -> granted(name, token, token, ttl, granted, turn, started, label, 1);
                case Redlock.Attempt.Busy busy -> {
                    turn.leave();
                    metrics.contended(name.group());
                    metrics.acquireFinished(name.group(), Outcome.BUSY, since(started));
                    LockEvents.failed(name.value(), "lock", holder(label), "busy", since(started).toMillis(), 1, Map.of());
                    throw new LockBusyException(name, Duration.ofMillis(busy.heldForMs()));
                }
                case Redlock.Attempt.Unavailable unavailable -> {
                    turn.leave();
                    LockEvents.failed(name.value(), "lock", holder(label), "quorum_unavailable", since(started).toMillis(), 1,
                            unavailable.failedNodes());
                    throw unavailable(name, unavailable, started);
                }
            }).onCancellation().invoke(turn::leave);
        });
    }

    public Uni<Lease> tryAcquire(String name, Duration ttl) {
        return tryAcquire(LockName.parse(name), ttl);
    }

    /** Waits up to the configured {@code lock.wait-timeout} with the configured {@code lock.lease-ttl}. */
    public Uni<Lease> acquire(LockName name) {
        return acquire(name, settings.leaseTtl(), settings.waitTimeout());
    }

    /**
     * Waits up to {@code maxWait} for the lock: behind earlier callers of this process first, then
     * retrying against Redis with exponential backoff and full jitter, woken early by releases.
     * Fails with {@link LockWaitTimeoutException} when the lock stayed busy until the deadline, or
     * {@link QuorumUnavailableException} when a quorum of nodes failed to answer on several attempts in a row.
     */
    public Uni<Lease> acquire(LockName name, Duration ttl, Duration maxWait) {
        return acquire(name, ttl, maxWait, "");
    }

    /** @param label who this lease is for, stored with the lock for {@link #inspect} (e.g. an order request id) */
    public Uni<Lease> acquire(LockName name, Duration ttl, Duration maxWait, String label) {
        requireName(name);
        requireTtl(ttl);
        requireWait(maxWait);
        return Uni.createFrom().deferred(() -> {
            Attempts attempts = new Attempts(name, ttl, System.nanoTime(), maxWait, label);
            metrics.waiting(name.group(), 1);
            java.util.concurrent.atomic.AtomicInteger here = waitingHere.computeIfAbsent(name.value(), n -> new java.util.concurrent.atomic.AtomicInteger());
            here.incrementAndGet();
            return line.enter(name.value(), maxWait, attempts)
                    .flatMap(turn -> {
                        if (turn == null) {
                            return Uni.createFrom().failure(timeout(attempts));
                        }
                        if (turn.grant() instanceof HandedOver handed) {
                            // the holder before us took the lock over on our behalf: no round trip of our own
                            return Uni.createFrom().item(granted(name, handed.token(), attempts.waiter, ttl, handed.granted(), turn, attempts.started,
                                    attempts.label, attempts.count));
                        }
                        return contend(attempts, turn).onCancellation().invoke(turn::leave);
                    })
                    .onTermination().invoke(() -> {
                        metrics.waiting(name.group(), -1);
                        if (here.decrementAndGet() == 0) {
                            waitingHere.remove(name.value(), here);
                        }
                    });
        });
    }

    public Uni<Lease> acquire(String name, Duration ttl, Duration maxWait) {
        return acquire(LockName.parse(name), ttl, maxWait);
    }

    /** A lock taken over in Redis for the next waiter of this process, straight from the releasing lease. */
    private record HandedOver(String token, Redlock.Attempt.Granted granted) {
    }

    /** State of one waiting caller. */
    private final class Attempts {
        final LockName name;
        final Duration ttl;
        final long started;
        final long deadline;
        final String waiter = newToken();
        final String label;
        String token;
        int count;
        boolean reserved;
        /** The last attempt failed for want of a quorum (not because the lock was held). */
        Redlock.Attempt.Unavailable lastUnavailable;
        int unavailableInARow;

        Attempts(LockName name, Duration ttl, long started, Duration maxWait, String label) {
            this.name = name;
            this.label = label == null ? "" : label;
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
    }

    private Uni<Lease> contend(Attempts a, LocalLine.Turn turn) {
        boolean reserve = a.shouldReserve();
        a.reserved |= reserve;
        a.count++;
        long stamp = signals.stamp();
        a.token = newToken();
        return redlock.attempt(a.name, a.token, a.waiter, a.ttl, reserve).flatMap(attempt -> switch (attempt) {
            case Redlock.Attempt.Granted granted -> Uni.createFrom().item(granted(a.name, a.token, a.waiter, a.ttl, granted, turn, a.started,
                    a.label, a.count));
            case Redlock.Attempt.Busy busy -> {
                a.lastUnavailable = null;
                a.unavailableInARow = 0;
                metrics.contended(a.name.group());
                LOG.debugf("Lock %s busy (attempt %d, holder has %d ms left)", a.name, a.count, busy.heldForMs());
                yield retryOrGiveUp(a, turn, busy.heldForMs(), stamp);
            }
            case Redlock.Attempt.Unavailable unavailable -> {
                a.lastUnavailable = unavailable;
                a.unavailableInARow++;
                LOG.debugf("Lock %s: quorum unavailable on attempt %d: %s", a.name, a.count, unavailable.failedNodes());
                yield retryOrGiveUp(a, turn, -1, stamp);
            }
        });
    }

    private Uni<Lease> retryOrGiveUp(Attempts a, LocalLine.Turn turn, long heldForMs, long stamp) {
        Duration left = a.left();
        if (left.isZero() || a.unavailableInARow >= UNAVAILABLE_ATTEMPTS) {
            turn.leave();
            if (a.reserved) {
                // drop our reservation so it does not block others
                redlock.releaseIgnoringFailures(a.name, a.token, a.waiter).subscribe().with(ignored -> { });
            }
            LockEvents.failed(a.name.value(), "lock", holder(a.label), a.lastUnavailable != null ? "quorum_unavailable" : "timeout",
                    since(a.started).toMillis(), a.count, a.lastUnavailable != null ? a.lastUnavailable.failedNodes() : Map.of());
            return Uni.createFrom().failure(a.lastUnavailable != null
                    ? unavailable(a.name, a.lastUnavailable, a.started) : timeout(a));
        }
        Duration pause = a.backoff();
        if (heldForMs > 0 && heldForMs + 1 < pause.toMillis()) {
            pause = Duration.ofMillis(heldForMs + 1); // the holder's lease ends sooner: try then
        }
        if (pause.compareTo(left) > 0) {
            pause = left;
        }
        // Vert.x (Mutiny's scheduler under Quarkus) refuses timers under 1 ms, and a refused timer never fires
        pause = atLeastOneMilli(pause);
        if (a.lastUnavailable != null) {
            // nodes are failing: no release will be announced, so just back off
            return Uni.createFrom().voidItem().onItem().delayIt().by(pause)
                    .flatMap(ignored -> contend(a, turn));
        }
        return signals.sleep(a.name.value(), pause, stamp)
                .flatMap(ignored -> contend(a, turn));
    }

    private Lease granted(LockName name, String token, String waiter, Duration ttl, Redlock.Attempt.Granted granted,
                          LocalLine.Turn turn, long started, String label, int attempts) {
        Lease lease = new Lease(this, name, token, waiter, granted.fencingToken(), granted.validUntilNanos(), ttl, turn);
        Duration waited = since(started);
        metrics.acquireFinished(name.group(), Outcome.ACQUIRED, waited);
        metrics.waited(name.group(), waited);
        metrics.holding(name.group(), 1);
        metrics.holdStarted(name.group(), lease, name.value(), granted.fencingToken(), lease::isValid);
        LockOwner owner = LockOwner.thisProcess(label);
        ownership.record(lease, owner);
        LockEvents.acquired(name.value(), "lock", granted.fencingToken(), owner.display(), waited.toMillis(), attempts);
        expireLocallyAt(lease);
        return lease;
    }

    /** When the validity time passes without an extension, the next local caller may try Redis. */
    private void expireLocallyAt(Lease lease) {
        long delayMs = Math.max(1, Duration.ofNanos(lease.validUntilNanos() - System.nanoTime()).toMillis() + 1);
        lease.expiryTimer(vertx.setTimer(delayMs, id -> {
            if (System.nanoTime() >= lease.validUntilNanos() && lease.expireLocally()) {
                LOG.infof("Lease on lock %s (fencing token %d) expired without release", lease.name(), lease.fencingToken());
                metrics.holding(lease.name().group(), -1);
                metrics.held(lease.name().group(), since(lease.acquiredNanos()));
                metrics.holdEnded(lease);
                lease.turn().leave();
            } else if (lease.isValid()) {
                expireLocallyAt(lease); // extended meanwhile
            }
        }));
    }

    private LockWaitTimeoutException timeout(Attempts a) {
        metrics.acquireFinished(a.name.group(), Outcome.TIMEOUT, since(a.started));
        LOG.debugf("Gave up on lock %s after %d attempts", a.name, a.count);
        return new LockWaitTimeoutException(a.name, a.count, since(a.started));
    }

    private QuorumUnavailableException unavailable(LockName name, Redlock.Attempt.Unavailable unavailable, long started) {
        metrics.quorumFailure(name.group());
        metrics.acquireFinished(name.group(), Outcome.ERROR, since(started));
        return new QuorumUnavailableException(name, redlock.quorum(), settings.nodes().size(), unavailable.failedNodes());
    }

    // ---------------------------------------------------------------- release and extend

    Uni<Void> release(Lease lease) {
        vertx.cancelTimer(lease.expiryTimer()); // a busy process would otherwise keep one timer per released lease for a TTL
        metrics.holding(lease.name().group(), -1);
        metrics.held(lease.name().group(), since(lease.acquiredNanos()));
        metrics.holdEnded(lease);
        if (line.nextWaiting(lease.name().value()) instanceof Attempts next && lease.isValidIgnoringRelease()) {
            return handOver(lease, next);
        }
        return redlock.release(lease.name(), lease.token(), lease.waiter())
                .onItemOrFailure().transform((owned, failure) -> {
                    lease.turn().leave();
                    released(lease, owned, failure);
                    return null;
                });
    }

    /**
     * Someone in this process waits for the lock: take it over for them in one round trip (the key goes
     * from this lease's token to theirs, with a new fencing token) instead of a release and then their
     * acquire. A waiter of another process that reserved the next turn still gets it: then this is a
     * plain release.
     */
    private Uni<Void> handOver(Lease lease, Attempts next) {
        String token = newToken();
        return redlock.attempt(lease.name(), token, next.waiter, next.ttl, false, lease.token())
                .flatMap(attempt -> {
                    if (attempt instanceof Redlock.Attempt.Granted granted) {
                        LOG.debugf("Handed lock %s over within this process (fencing token %d -> %d)",
                                lease.name(), lease.fencingToken(), granted.fencingToken());
                        if (lease.turn().leave(next, new HandedOver(token, granted))) {
                            return Uni.createFrom().voidItem();
                        }
                        // the waiter gave up in the meantime: undo the take-over
                        return redlock.releaseIgnoringFailures(lease.name(), token, next.waiter).replaceWithVoid();
                    }
                    return redlock.release(lease.name(), lease.token(), lease.waiter())
                            .onItemOrFailure().transform((owned, failure) -> {
                                lease.turn().leave();
                                return null;
                            });
                });
    }

    private void released(Lease lease, Integer owned, Throwable failure) {
        LockEvents.released(lease.name().value(), "lock", lease.fencingToken(), LockEvents.PROCESS, since(lease.acquiredNanos()).toMillis(),
                failure == null && owned >= redlock.quorum());
        if (failure != null || owned < redlock.quorum()) {
            metrics.expiredRelease(lease.name().group());
            LOG.infof("Released lock %s (fencing token %d) after its lease had expired or was taken over%s",
                    lease.name(), lease.fencingToken(), failure == null ? "" : ": " + failure.getMessage());
        } else {
            LOG.debugf("Released lock %s (fencing token %d)", lease.name(), lease.fencingToken());
        }
    }

    void releasedAfterExpiry(Lease lease) {
        metrics.expiredRelease(lease.name().group());
        LOG.infof("Release of lock %s (fencing token %d) came after its lease had expired", lease.name(), lease.fencingToken());
    }

    Uni<Lease> extend(Lease lease, Duration ttl) {
        return redlock.extend(lease.name(), lease.token(), ttl).map(extension -> switch (extension) {
            case Redlock.Extension.Extended extended -> {
                lease.extended(extended.validUntilNanos(), ttl);
                metrics.extended(lease.name().group(), true);
                ownership.renew(lease, ttl);
                LockEvents.extended(lease.name().value(), "lock", lease.fencingToken(), LockEvents.PROCESS, ttl.toMillis());
                yield lease;
            }
            case Redlock.Extension.Lost lost -> {
                metrics.extended(lease.name().group(), false);
                throw new LeaseLostException(lease.name(), lease.fencingToken(), lost.reason());
            }
        });
    }

    // ---------------------------------------------------------------- withLock

    /** {@link #withLock(LockName, Duration, Duration, Function)} with the configured TTL and wait. */
    public <T> Uni<T> withLock(LockName name, Function<LockGuard, Uni<T>> work) {
        return withLock(name, settings.leaseTtl(), settings.waitTimeout(), work);
    }

    /**
     * Acquires, runs {@code work} while extending the lease in the background, and always releases
     * (success, failure or cancellation). If the lease is lost first, the work is cancelled and the
     * result fails with {@link LeaseLostException}; the guard tells work that is not cancellable.
     */
    public <T> Uni<T> withLock(LockName name, Duration ttl, Duration maxWait, Function<LockGuard, Uni<T>> work) {
        return withLock(name, ttl, maxWait, "", work);
    }

    /** @param label who the lease is for, stored with the lock for {@link #inspect} (e.g. an order request id) */
    public <T> Uni<T> withLock(LockName name, Duration ttl, Duration maxWait, String label, Function<LockGuard, Uni<T>> work) {
        Objects.requireNonNull(work, "work");
        return acquire(name, ttl, maxWait, label).flatMap(lease -> {
            LockGuard guard = new LockGuard(lease);
            LeaseKeeper keeper = keep(lease, guard);
            Uni<T> result = Uni.createFrom().deferred(() -> work.apply(guard));
            Uni<T> lostFirst = guard.whenLost().onItem().transformToUni(lost -> Uni.createFrom().<T>failure(lost));
            return Uni.join().first(result, lostFirst).toTerminate()
                    .onTermination().call(() -> {
                        keeper.stop();
                        return lease.release().onFailure().recoverWithNull();
                    });
        });
    }

    LeaseKeeper keep(Lease lease, LockGuard guard) {
        guard.onLost(lost -> {
            metrics.leaseLost(lease.name().group());
            metrics.holdEnded(lease);
            LockEvents.lost(lease.name().value(), "lock", lease.fencingToken(), LockEvents.PROCESS, lost.getMessage());
        });
        LeaseKeeper keeper = new LeaseKeeper(vertx, lease, guard, settings.renewFraction());
        keeper.start();
        return keeper;
    }

    // ---------------------------------------------------------------- inspect

    /**
     * What the nodes say about the lock now: held by a quorum or not, the holder (service, replica,
     * host, label), since when, time left, its fencing token, and who waits. Fails with
     * {@link QuorumUnavailableException} when too few nodes answer to tell.
     */
    public Uni<LockInfo> inspect(LockName name) {
        requireName(name);
        java.util.concurrent.atomic.AtomicInteger here = waitingHere.get(name.value());
        return Uni.createFrom().deferred(() -> ownership.inspect(name, here == null ? 0 : here.get()));
    }

    /** Held by a quorum of nodes now. */
    public Uni<Boolean> isLocked(LockName name) {
        return inspect(name).map(LockInfo::locked);
    }

    private static String holder(String label) {
        return LockOwner.thisProcess(label).display();
    }

    // ---------------------------------------------------------------- health

    /** PINGs every node: host:port → "up" or why not. For readiness checks. */
    public Uni<Map<String, String>> nodeStatus() {
        List<Uni<Map.Entry<String, String>>> pings = redlock.nodes().stream()
                .map(node -> node.send(Request.cmd(Command.PING))
                        .map(ok -> Map.entry(node.name(), "up"))
                        .onFailure().recoverWithItem(failure -> Map.entry(node.name(), RedisNode.reason(failure) + ": " + failure.getMessage())))
                .toList();
        return Uni.join().all(pings).andFailFast().map(entries -> {
            Map<String, String> status = new LinkedHashMap<>();
            entries.forEach(e -> status.put(e.getKey(), e.getValue()));
            return status;
        });
    }

    /** True when at least a quorum of nodes answers PING. */
    public Uni<Boolean> quorumAvailable() {
        return nodeStatus().map(status -> status.values().stream().filter("up"::equals).count() >= redlock.quorum());
    }

    public int quorum() {
        return redlock.quorum();
    }

    @Override
    public void close() {
        listeners.forEach(ReleaseListener::close);
        redlock.nodes().forEach(RedisNode::close);
    }

    // ---------------------------------------------------------------- arguments

    static void requireName(LockName name) {
        Objects.requireNonNull(name, "lock name must not be null");
    }

    static void requireTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl must not be null");
        if (ttl.compareTo(MIN_TTL) < 0) {
            throw new IllegalArgumentException("ttl must be at least " + MIN_TTL.toMillis() + " ms but was " + ttl.toMillis() + " ms");
        }
    }

    static void requireWait(Duration maxWait) {
        Objects.requireNonNull(maxWait, "maxWait must not be null");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative but was " + maxWait);
        }
    }

    /** Timers shorter than a millisecond are refused by Vert.x; round them up. */
    static Duration atLeastOneMilli(Duration duration) {
        return duration.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : duration;
    }

    private static String newToken() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
