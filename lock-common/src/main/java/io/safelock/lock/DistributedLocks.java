package io.safelock.lock;

import io.safelock.lock.config.LockSettings;
import io.safelock.lock.metrics.LockEvents;
import io.safelock.lock.metrics.LockMetrics;
import io.safelock.lock.metrics.LockMetrics.Outcome;
import io.safelock.lock.internal.LeaseKeeper;
import io.safelock.lock.internal.LeaseOperations;
import io.safelock.lock.internal.redis.RedisNode;
import io.safelock.lock.internal.redis.ReleaseListener;
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
import java.util.concurrent.CompletableFuture;
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
 * The calls a service makes are those of {@link Locks}, which a unit test can fill with an in-memory fake.
 */
public final class DistributedLocks implements AutoCloseable, Locks {

    private static final Logger LOG = Logger.getLogger(DistributedLocks.class);
    private static final Duration MIN_TTL = Duration.ofMillis(10);

    private final Vertx vertx;
    private final LockSettings settings;
    private final LockMetrics metrics;
    private final Redlock redlock;
    private final Acquisitions acquisitions;
    private final List<ReleaseListener> listeners = new ArrayList<>();
    private final BlockingLocks blocking = new BlockingLocks(this);
    private final LockOwnership ownership;
    /**
     * What this process's leases call for their release and extension: the methods below, kept out of this
     * class's public API (a second release through them would skip the lease's once-only guard).
     */
    private final LeaseOperations leaseOperations = new LeaseOperations() {
        @Override
        public Uni<Void> release(Lease lease) {
            return DistributedLocks.this.release(lease);
        }

        @Override
        public Uni<Lease> extend(Lease lease, Duration ttl) {
            return DistributedLocks.this.extend(lease, ttl);
        }

        @Override
        public void releasedAfterExpiry(Lease lease) {
            DistributedLocks.this.releasedAfterExpiry(lease);
        }
    };
    /** Callers of this process waiting per lock name, for {@link #inspect}. */
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> waitingHere = new java.util.concurrent.ConcurrentHashMap<>();

    private DistributedLocks(Vertx vertx, LockSettings settings, LockMetrics metrics) {
        this.vertx = vertx;
        this.settings = settings;
        this.metrics = metrics;
        List<RedisNode> nodes = settings.nodes().stream()
                .map(address -> new RedisNode(vertx, address, settings, metrics::nodeError)).toList();
        this.redlock = new Redlock(nodes, settings);
        this.ownership = new LockOwnership(redlock);
        this.acquisitions = new Acquisitions(this, settings, metrics, redlock);
        metrics.nodes(nodes.stream().map(RedisNode::name).toList());
        for (var address : settings.nodes()) {
            listeners.add(new ReleaseListener(vertx, address, settings, redlock.channel(), acquisitions::released));
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

    @Override
    public Duration leaseTtl() {
        return settings.leaseTtl();
    }

    @Override
    public Duration waitTimeout() {
        return settings.waitTimeout();
    }

    public BlockingLocks blocking() {
        return blocking;
    }

    // ---------------------------------------------------------------- acquire

    /**
     * One attempt: the lease, or {@link LockBusyException} / {@link QuorumUnavailableException} /
     * {@link NodeSetMismatchException}. A caller that cancels leaves nothing behind: an attempt already
     * sent completes, and its lease is released.
     */
    public Uni<Lease> tryAcquire(LockName name, Duration ttl) {
        return tryAcquire(name, ttl, "");
    }

    /** @param label who this lease is for, stored with the lock for {@link #inspect} (e.g. an order request id) */
    public Uni<Lease> tryAcquire(LockName name, Duration ttl, String label) {
        requireName(name);
        requireTtl(ttl);
        return acquisitions.tryAcquire(name, ttl, label == null ? "" : label);
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
     * Fails with {@link LockWaitTimeoutException} when the lock stayed busy until the deadline,
     * {@link QuorumUnavailableException} when a quorum of nodes failed to answer on several attempts in a
     * row, or {@link NodeSetMismatchException}. A caller that cancels leaves nothing behind.
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
            java.util.concurrent.atomic.AtomicInteger here = waitingHere.computeIfAbsent(name.value(), n -> new java.util.concurrent.atomic.AtomicInteger());
            here.incrementAndGet();
            return acquisitions.acquire(name, ttl, maxWait, label == null ? "" : label).onTermination().invoke(() -> {
                if (here.decrementAndGet() == 0) {
                    waitingHere.remove(name.value(), here);
                }
            });
        });
    }

    public Uni<Lease> acquire(String name, Duration ttl, Duration maxWait) {
        return acquire(LockName.parse(name), ttl, maxWait);
    }

    Lease granted(LockName name, String token, String waiter, Duration ttl, Redlock.Attempt.Granted granted,
                  LocalLine<Acquisitions.Waiter, Acquisitions.HandedOver>.Turn turn, long started, String label, int attempts) {
        Lease lease = new Lease(leaseOperations, name, token, waiter, granted.fencingToken(), granted.validUntilNanos(), ttl, turn);
        Duration waited = Acquisitions.since(started);
        metrics.acquireFinished(name.group(), Outcome.ACQUIRED, waited);
        metrics.waited(name.group(), waited);
        metrics.holding(name.group(), 1);
        metrics.holdStarted(name.group(), lease, name.value(), granted.fencingToken(), lease::isValid);
        LockEvents.acquired(name.value(), "lock", granted.fencingToken(), LockOwner.thisProcess(label).display(), waited.toMillis(), attempts);
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
                metrics.held(lease.name().group(), Acquisitions.since(lease.acquiredNanos()));
                metrics.holdEnded(lease);
                lease.turn().leave();
            } else if (lease.isValid()) {
                expireLocallyAt(lease); // extended meanwhile
            }
        }));
    }

    // ---------------------------------------------------------------- release and extend

    /** Starts the release at once and runs it to its end, whether or not the returned Uni is still listened to. */
    Uni<Void> release(Lease lease) {
        vertx.cancelTimer(lease.expiryTimer()); // a busy process would otherwise keep one timer per released lease for a TTL
        metrics.holding(lease.name().group(), -1);
        metrics.held(lease.name().group(), Acquisitions.since(lease.acquiredNanos()));
        metrics.holdEnded(lease);
        CompletableFuture<Void> done = new CompletableFuture<>();
        acquisitions.release(lease).subscribe().with(
                owned -> {
                    released(lease, owned, null);
                    done.complete(null);
                },
                failure -> {
                    released(lease, 0, failure);
                    done.complete(null);
                });
        return Uni.createFrom().completionStage(done);
    }

    /** @param owned nodes on which the key was still ours; -1 when handed over to a local waiter */
    private void released(Lease lease, int owned, Throwable failure) {
        if (owned < 0) {
            LockEvents.released(lease.name().value(), "lock", lease.fencingToken(), LockEvents.PROCESS,
                    Acquisitions.since(lease.acquiredNanos()).toMillis(), true);
            return;
        }
        LockEvents.released(lease.name().value(), "lock", lease.fencingToken(), LockEvents.PROCESS,
                Acquisitions.since(lease.acquiredNanos()).toMillis(), failure == null && owned >= redlock.quorum());
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

    /**
     * Fails with {@link LeaseLostException} when the key is gone or another holder has it, or the
     * extension took longer than the lease; with {@link QuorumUnavailableException} when too few nodes
     * answered (the lease may still be held: worth another try while it is valid).
     */
    Uni<Lease> extend(Lease lease, Duration ttl) {
        return redlock.extend(lease.name(), lease.token(), ttl).map(extension -> switch (extension) {
            case Redlock.Extension.Extended extended -> {
                lease.extended(extended.validUntilNanos(), ttl);
                metrics.extended(lease.name().group(), true);
                LockEvents.extended(lease.name().value(), "lock", lease.fencingToken(), LockEvents.PROCESS, ttl.toMillis());
                yield lease;
            }
            case Redlock.Extension.Lost lost -> {
                metrics.extended(lease.name().group(), false);
                throw new LeaseLostException(lease.name(), lease.fencingToken(), lost.reason());
            }
            case Redlock.Extension.Unanswered unanswered -> {
                metrics.extended(lease.name().group(), false);
                throw new QuorumUnavailableException(lease.name(), redlock.quorum(), settings.nodes().size(), unanswered.failedNodes());
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

    // ---------------------------------------------------------------- health

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

}
