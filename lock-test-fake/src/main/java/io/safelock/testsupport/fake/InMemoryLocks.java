package io.safelock.testsupport.fake;

import io.safelock.lock.Lease;
import io.safelock.lock.LeaseLostException;
import io.safelock.lock.LockBusyException;
import io.safelock.lock.LockGuard;
import io.safelock.lock.LockInfo;
import io.safelock.lock.LockName;
import io.safelock.lock.LockOwner;
import io.safelock.lock.LockWaitTimeoutException;
import io.safelock.lock.Locks;
import io.safelock.lock.QuorumUnavailableException;
import io.safelock.lock.internal.LeaseFactory;
import io.safelock.lock.internal.LeaseOperations;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@link Locks} in the memory of one JVM, for a service's unit tests: no Redis nodes, the same contract.
 * <ul>
 * <li>one holder per name at a time; waiters per name are served first come, first served (FIFO), each
 *     release or expiry hands the lock to the longest waiting caller;</li>
 * <li>fencing tokens rise strictly across all holders (from the clock in µs, as the nodes' fence sequence
 *     does, so a store that saw real tokens still accepts these);</li>
 * <li>a lease that is neither released nor extended expires after its TTL and the next waiter gets the
 *     lock; {@code withLock} extends it every third of its TTL while the work runs;</li>
 * <li>{@code tryAcquire} on a held lock fails with {@link LockBusyException}, {@code acquire} that waited
 *     {@code maxWait} with {@link LockWaitTimeoutException};</li>
 * <li>faults on demand: {@link #loseLease} (the holder's guard reports the loss, its {@code ensureHeld()}
 *     throws {@link LeaseLostException}, the next waiter gets the lock) and {@link #failQuorum}
 *     ({@link QuorumUnavailableException}, as if a majority of nodes stopped answering).</li>
 * </ul>
 * Nothing here blocks a caller's thread. A lock freed by a release is handed over on the releasing thread
 * (as the real hand-over is); waits that time out and leases that expire are answered on a thread of
 * this object. {@link #close()} stops those threads. The fault switches tell the callers they affect on the
 * thread that throws the switch, before they return: a test can assert the consequences right after.
 */
public final class InMemoryLocks implements Locks, AutoCloseable {

    /** The one "node" named in {@link QuorumUnavailableException#failedNodes()} while {@link #failQuorum} is on. */
    public static final String NODE = "in-memory";

    private static final Duration MIN_TTL = Duration.ofMillis(10);
    /** {@code withLock} extends after this fraction of the TTL (lock-common's default {@code renew-fraction}: 0.33). */
    private static final double RENEW_FRACTION = 1.0 / 3;

    private final Duration leaseTtl;
    private final Duration waitTimeout;
    /** Fires expiries, wait deadlines and extensions; what they trigger runs on {@link #callbacks}, not here. */
    private final ScheduledExecutorService timers;
    /** Runs what timers trigger: a caller's continuation that blocks must not stall the timers. */
    private final ExecutorService callbacks;
    private final LeaseOperations operations = new Operations();

    /** Guards everything below. Futures are completed and guards told outside it, never while holding it. */
    private final Object monitor = new Object();
    /** Lock name → its holder and waiters; a name nobody holds or waits for has no entry. */
    private final Map<String, Entry> entries = new HashMap<>();
    private long lastFencingToken;
    private boolean quorumFails;
    private boolean closed;

    /** With lock-common's defaults: a lease TTL of 10 s, a wait of 5 s. */
    public InMemoryLocks() {
        this(Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    /**
     * @param leaseTtl    the TTL when the caller gives none (what {@code lock.lease-ttl} configures)
     * @param waitTimeout the wait when the caller gives none (what {@code lock.wait-timeout} configures)
     */
    public InMemoryLocks(Duration leaseTtl, Duration waitTimeout) {
        requireTtl(leaseTtl);
        requireWait(waitTimeout);
        this.leaseTtl = leaseTtl;
        this.waitTimeout = waitTimeout;
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("in-memory-locks-timer"));
        this.callbacks = Executors.newCachedThreadPool(daemon("in-memory-locks-callback"));
    }

    @Override
    public Duration leaseTtl() {
        return leaseTtl;
    }

    @Override
    public Duration waitTimeout() {
        return waitTimeout;
    }

    // ---------------------------------------------------------------- fault switches

    /**
     * The holder of {@code name} loses its lease now, as if the nodes had lost its key: its guard (inside
     * {@code withLock}) reports the loss, so the work is cancelled and {@code ensureHeld()} throws
     * {@link LeaseLostException}; the lease is no longer valid and cannot be extended; the lock goes to the
     * next waiter, with a higher fencing token.
     *
     * @return false if nobody held the lock
     */
    public boolean loseLease(LockName name) {
        Objects.requireNonNull(name, "lock name must not be null");
        Hold lost;
        List<Runnable> handOver = new ArrayList<>();
        synchronized (monitor) {
            Entry entry = entries.get(name.value());
            if (entry == null || entry.holder == null) {
                return false;
            }
            lost = entry.holder;
            end(entry, lost);
            LeaseFactory.markLost(lost.lease);
            handOver(entry, handOver);
        }
        tellLost(lost, "taken away by InMemoryLocks.loseLease (as if the nodes had lost the key)");
        handOver.forEach(Runnable::run);
        return true;
    }

    /**
     * While on, every call that needs the nodes fails with {@link QuorumUnavailableException}: acquiring
     * (callers waiting when it is switched on fail at once), extending (so a lease in {@code withLock} runs
     * out and is lost unless the switch goes off in time), {@code inspect}. A release while it is on does
     * not reach the nodes: the lock stays held until its lease expires. Off again: everything works.
     */
    public void failQuorum(boolean fail) {
        List<Waiter> failed = new ArrayList<>();
        synchronized (monitor) {
            quorumFails = fail;
            if (fail) {
                for (Entry entry : entries.values()) {
                    for (Waiter waiter : entry.waiters) {
                        waiter.queued = false;
                        cancel(waiter.deadline);
                        failed.add(waiter);
                    }
                    entry.waiters.clear();
                }
                entries.values().removeIf(Entry::unused);
            }
        }
        failed.forEach(waiter -> waiter.granted.completeExceptionally(quorumUnavailable(waiter.name)));
    }

    // ---------------------------------------------------------------- acquire

    @Override
    public Uni<Lease> tryAcquire(LockName name, Duration ttl, String label) {
        requireName(name);
        requireTtl(ttl);
        String owner = label == null ? "" : label;
        return Uni.createFrom().deferred(() -> {
            synchronized (monitor) {
                if (closed) {
                    return Uni.createFrom().failure(new IllegalStateException("InMemoryLocks closed"));
                }
                if (quorumFails) {
                    return Uni.createFrom().failure(quorumUnavailable(name));
                }
                Entry entry = entry(name);
                if (entry.holder != null) {
                    return Uni.createFrom().failure(new LockBusyException(name, entry.holder.remaining()));
                }
                return Uni.createFrom().item(grant(entry, ttl, owner));
            }
        });
    }

    @Override
    public Uni<Lease> acquire(LockName name, Duration ttl, Duration maxWait, String label) {
        requireName(name);
        requireTtl(ttl);
        requireWait(maxWait);
        String owner = label == null ? "" : label;
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            Waiter waiter;
            synchronized (monitor) {
                if (closed) {
                    return Uni.createFrom().failure(new IllegalStateException("InMemoryLocks closed"));
                }
                if (quorumFails) {
                    return Uni.createFrom().failure(quorumUnavailable(name));
                }
                Entry entry = entry(name);
                if (entry.holder == null) {
                    return Uni.createFrom().item(grant(entry, ttl, owner));
                }
                if (maxWait.isZero()) {
                    return Uni.createFrom().failure(new LockWaitTimeoutException(name, 1, since(started)));
                }
                waiter = new Waiter(name, ttl, owner, started);
                entry.waiters.addLast(waiter);
                waiter.deadline = schedule(maxWait, () -> timedOut(waiter));
            }
            // a caller that goes away leaves the line, or gives back what it was granted meanwhile
            return Uni.createFrom().completionStage(waiter.granted).onCancellation().invoke(() -> abandoned(waiter));
        });
    }

    private void timedOut(Waiter waiter) {
        synchronized (monitor) {
            if (!waiter.queued) {
                return;
            }
            leaveLine(waiter);
        }
        waiter.granted.completeExceptionally(new LockWaitTimeoutException(waiter.name, 1, since(waiter.started)));
    }

    private void abandoned(Waiter waiter) {
        Lease granted;
        synchronized (monitor) {
            if (waiter.queued) {
                leaveLine(waiter);
                cancel(waiter.deadline);
                return;
            }
            granted = waiter.lease;
        }
        if (granted != null) {
            granted.release().subscribe().with(done -> { }, failure -> { });
        }
    }

    /** Under the monitor. */
    private void leaveLine(Waiter waiter) {
        waiter.queued = false;
        Entry entry = entries.get(waiter.name.value());
        if (entry != null) {
            entry.waiters.remove(waiter);
            if (entry.unused()) {
                entries.remove(waiter.name.value());
            }
        }
    }

    // ---------------------------------------------------------------- withLock

    @Override
    public <T> Uni<T> withLock(LockName name, Duration ttl, Duration maxWait, String label, Function<LockGuard, Uni<T>> work) {
        Objects.requireNonNull(work, "work");
        return acquire(name, ttl, maxWait, label).flatMap(lease -> {
            LockGuard guard = LeaseFactory.guard(lease);
            if (!watch(lease, guard)) {
                LeaseFactory.declareLost(guard, "lost before the work started");
            }
            Keeper keeper = new Keeper(lease, guard);
            keeper.start();
            Uni<T> result = Uni.createFrom().deferred(() -> work.apply(guard));
            Uni<T> lostFirst = guard.whenLost().onItem().transformToUni(lost -> Uni.createFrom().<T>failure(lost));
            return Uni.join().first(result, lostFirst).toTerminate()
                    .onTermination().call(() -> {
                        keeper.stop();
                        return lease.release().onFailure().recoverWithNull();
                    });
        });
    }

    /** Registers the guard of the work under {@code lease}, to be told of a loss; false if the lease no longer holds. */
    private boolean watch(Lease lease, LockGuard guard) {
        synchronized (monitor) {
            Entry entry = entries.get(lease.name().value());
            if (entry == null || entry.holder == null || entry.holder.lease != lease) {
                return false;
            }
            entry.holder.guards.add(guard);
            return true;
        }
    }

    /** Extends a lease every third of its TTL while its work runs; a failed extension is tried again while the lease is valid. */
    private final class Keeper {
        private final Lease lease;
        private final LockGuard guard;
        private volatile boolean stopped;
        private volatile ScheduledFuture<?> next;

        Keeper(Lease lease, LockGuard guard) {
            this.lease = lease;
            this.guard = guard;
        }

        void start() {
            renewIn(renewInterval());
        }

        void stop() {
            stopped = true;
            cancel(next);
        }

        private Duration renewInterval() {
            return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), (long) (lease.ttl().toNanos() * RENEW_FRACTION)));
        }

        private void renewIn(Duration delay) {
            if (!stopped) {
                next = schedule(delay, this::renew);
            }
        }

        private void renew() {
            if (stopped || guard.isLost()) {
                return;
            }
            lease.extend(lease.ttl()).subscribe().with(
                    extended -> renewIn(renewInterval()),
                    failure -> {
                        if (failure instanceof QuorumUnavailableException && lease.isValid()) {
                            // the expiry of the hold ends it if no extension gets through in time
                            renewIn(Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(5), renewInterval().toNanos() / 4)));
                        } else if (!stopped) {
                            LeaseFactory.declareLost(guard, failure instanceof LeaseLostException
                                    ? "an extension was refused: the lock is no longer held by this lease"
                                    : failure.toString());
                        }
                    });
        }
    }

    // ---------------------------------------------------------------- inspect

    @Override
    public Uni<LockInfo> inspect(LockName name) {
        requireName(name);
        return Uni.createFrom().deferred(() -> {
            synchronized (monitor) {
                if (quorumFails) {
                    return Uni.createFrom().failure(quorumUnavailable(name));
                }
                Entry entry = entries.get(name.value());
                int waiting = entry == null ? 0 : entry.waiters.size();
                if (entry == null || entry.holder == null) {
                    return Uni.createFrom().item(new LockInfo(name, false, null, null, Duration.ZERO, -1, waiting,
                            waiting > 0, false, Map.of()));
                }
                Hold holder = entry.holder;
                return Uni.createFrom().item(new LockInfo(name, true, LockOwner.thisProcess(holder.label), holder.since,
                        holder.remaining(), holder.lease.fencingToken(), waiting, waiting > 0, false, Map.of()));
            }
        });
    }

    // ---------------------------------------------------------------- holders

    /** Under the monitor: {@code entry} is free; it is now held by a new lease. */
    private Lease grant(Entry entry, Duration ttl, String label) {
        long expiresAt = System.nanoTime() + ttl.toNanos();
        Lease lease = LeaseFactory.lease(operations, entry.name, UUID.randomUUID().toString(), nextFencingToken(), expiresAt, ttl);
        Hold hold = new Hold(lease, label, Instant.now(), expiresAt);
        entry.holder = hold;
        scheduleExpiry(entry, hold);
        return lease;
    }

    /** As the nodes' fence sequence steps: above the last token handed out and at least the clock in µs. */
    private long nextFencingToken() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        lastFencingToken = Math.max(lastFencingToken + 1, micros);
        return lastFencingToken;
    }

    /** Under the monitor. */
    private void scheduleExpiry(Entry entry, Hold hold) {
        hold.expiry = schedule(Duration.ofNanos(Math.max(0, hold.expiresAtNanos - System.nanoTime())), () -> expire(entry, hold));
    }

    private void expire(Entry entry, Hold hold) {
        List<Runnable> handOver = new ArrayList<>();
        synchronized (monitor) {
            if (entry.holder != hold) {
                return; // released, lost or expired already
            }
            if (System.nanoTime() < hold.expiresAtNanos) {
                scheduleExpiry(entry, hold); // extended meanwhile
                return;
            }
            end(entry, hold);
            handOver(entry, handOver);
        }
        tellLost(hold, "the lease expired: neither released nor extended within its TTL of " + hold.lease.ttl().toMillis() + " ms");
        handOver.forEach(Runnable::run);
    }

    /** Under the monitor: {@code hold} no longer holds {@code entry}. */
    private void end(Entry entry, Hold hold) {
        entry.holder = null;
        cancel(hold.expiry);
    }

    /** Under the monitor: gives a free lock to the longest waiting caller; what to run once out of the monitor goes to {@code after}. */
    private void handOver(Entry entry, List<Runnable> after) {
        Waiter next = entry.waiters.pollFirst();
        if (next == null) {
            if (entry.unused()) {
                entries.remove(entry.name.value());
            }
            return;
        }
        next.queued = false;
        cancel(next.deadline);
        Lease lease = grant(entry, next.ttl, next.label);
        next.lease = lease;
        after.add(() -> {
            if (!next.granted.complete(lease)) {
                lease.release().subscribe().with(done -> { }, failure -> { }); // the caller went away
            }
        });
    }

    /** Out of the monitor: tells the work under {@code hold} (if any) that its lease is lost. */
    private static void tellLost(Hold hold, String reason) {
        for (LockGuard guard : hold.guards) {
            LeaseFactory.declareLost(guard, reason);
        }
    }

    /** What the leases handed out here call for their release and extension. */
    private final class Operations implements LeaseOperations {

        @Override
        public Uni<Void> release(Lease lease) {
            List<Runnable> handOver = new ArrayList<>();
            synchronized (monitor) {
                Entry entry = entries.get(lease.name().value());
                if (entry == null || entry.holder == null || entry.holder.lease != lease) {
                    return Uni.createFrom().voidItem(); // expired, lost or handed on already: never touch a later holder
                }
                entry.holder.guards.clear(); // its work has ended
                if (quorumFails) {
                    return Uni.createFrom().voidItem(); // the nodes did not hear it: held until the lease expires
                }
                end(entry, entry.holder);
                handOver(entry, handOver);
            }
            handOver.forEach(Runnable::run);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Lease> extend(Lease lease, Duration ttl) {
            synchronized (monitor) {
                if (quorumFails) {
                    return Uni.createFrom().failure(quorumUnavailable(lease.name()));
                }
                Entry entry = entries.get(lease.name().value());
                if (entry == null || entry.holder == null || entry.holder.lease != lease) {
                    return Uni.createFrom().failure(new LeaseLostException(lease.name(), lease.fencingToken(),
                            "the lock is no longer held by this lease (it expired or was lost)"));
                }
                long expiresAt = System.nanoTime() + ttl.toNanos();
                entry.holder.expiresAtNanos = expiresAt;
                LeaseFactory.extended(lease, expiresAt, ttl); // the expiry timer, when it fires, finds the later time
            }
            return Uni.createFrom().item(lease);
        }

        @Override
        public void releasedAfterExpiry(Lease lease) {
            // leases from here are never expired by the lease itself: release() asks above
        }
    }

    // ---------------------------------------------------------------- state

    /** A lock name: who holds it, who waits (first come, first served). */
    private static final class Entry {
        final LockName name;
        Hold holder;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

        Entry(LockName name) {
            this.name = name;
        }

        boolean unused() {
            return holder == null && waiters.isEmpty();
        }
    }

    /** Under the monitor. */
    private Entry entry(LockName name) {
        return entries.computeIfAbsent(name.value(), value -> new Entry(name));
    }

    /** The lease holding a lock now, and the work's guard to tell if it is lost. */
    private static final class Hold {
        final Lease lease;
        final String label;
        final Instant since;
        long expiresAtNanos;
        ScheduledFuture<?> expiry;
        final List<LockGuard> guards = new ArrayList<>(1);

        Hold(Lease lease, String label, Instant since, long expiresAtNanos) {
            this.lease = lease;
            this.label = label;
            this.since = since;
            this.expiresAtNanos = expiresAtNanos;
        }

        Duration remaining() {
            return Duration.ofNanos(Math.max(0, expiresAtNanos - System.nanoTime()));
        }
    }

    /** A caller of {@code acquire} in the line for a lock. Fields other than the final ones: under the monitor. */
    private static final class Waiter {
        final LockName name;
        final Duration ttl;
        final String label;
        final long started;
        final CompletableFuture<Lease> granted = new CompletableFuture<>();
        boolean queued = true;
        ScheduledFuture<?> deadline;
        /** What it was granted, to give back if it went away before hearing of it. */
        Lease lease;

        Waiter(LockName name, Duration ttl, String label, long started) {
            this.name = name;
            this.ttl = ttl;
            this.label = label;
            this.started = started;
        }
    }

    // ---------------------------------------------------------------- timers

    private ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        try {
            return timers.schedule(() -> {
                try {
                    callbacks.execute(task);
                } catch (RejectedExecutionException closedMeanwhile) {
                    // closed: nothing more happens
                }
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closedMeanwhile) {
            return null;
        }
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Stops the timers. Callers still waiting fail with {@link IllegalStateException}; leases end with the object. */
    @Override
    public void close() {
        List<Waiter> waiting = new ArrayList<>();
        synchronized (monitor) {
            if (closed) {
                return;
            }
            closed = true;
            for (Entry entry : entries.values()) {
                waiting.addAll(entry.waiters);
                entry.waiters.forEach(waiter -> waiter.queued = false);
                entry.waiters.clear();
            }
        }
        timers.shutdownNow();
        callbacks.shutdownNow();
        waiting.forEach(waiter -> waiter.granted.completeExceptionally(new IllegalStateException("InMemoryLocks closed")));
    }

    // ---------------------------------------------------------------- arguments, as DistributedLocks checks them

    private static QuorumUnavailableException quorumUnavailable(LockName name) {
        return new QuorumUnavailableException(name, 1, 1, Map.of(NODE, "failing on purpose (InMemoryLocks.failQuorum)"));
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static void requireName(LockName name) {
        Objects.requireNonNull(name, "lock name must not be null");
    }

    private static void requireTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl must not be null");
        if (ttl.compareTo(MIN_TTL) < 0) {
            throw new IllegalArgumentException("ttl must be at least " + MIN_TTL.toMillis() + " ms but was " + ttl.toMillis() + " ms");
        }
    }

    private static void requireWait(Duration maxWait) {
        Objects.requireNonNull(maxWait, "maxWait must not be null");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative but was " + maxWait);
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
