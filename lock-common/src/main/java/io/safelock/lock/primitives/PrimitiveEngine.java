package io.safelock.lock.primitives;

import io.safelock.lock.internal.LeaseKeeper;
import io.safelock.lock.LeaseLostException;
import io.safelock.lock.LockBusyException;
import io.safelock.lock.LockName;
import io.safelock.lock.LockWaitTimeoutException;
import io.safelock.lock.QuorumUnavailableException;
import io.safelock.lock.internal.ReleaseSignals;
import io.safelock.lock.internal.HandOff;
import io.safelock.lock.config.LockSettings;
import io.safelock.lock.metrics.LockEvents;
import io.safelock.lock.metrics.LockMetrics;
import io.safelock.lock.metrics.LockMetrics.Outcome;
import io.safelock.lock.internal.redis.RedisNode;
import io.safelock.lock.internal.redis.ReleaseListener;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The quorum algorithm every primitive shares, as for the plain lock: send the claim's script to every
 * node at once; the claim is granted with a quorum of nodes that granted the same thing (for a
 * semaphore, the same slots) and positive validity {@code ttl − elapsed − drift}; before a fencing token
 * is handed out, a quorum of nodes on which the claim still holds must carry a counter at least that
 * high (see lock-common's README, "Fencing tokens"). Anything less is undone on every node.
 */
final class PrimitiveEngine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PrimitiveEngine.class);
    private static final Duration MIN_TTL = Duration.ofMillis(10);
    static final int UNAVAILABLE_ATTEMPTS = 3;

    sealed interface Attempt {
        record Granted(SortedMap<Integer, Long> fences, long validUntilNanos) implements Attempt { }

        record Busy(long heldForMs) implements Attempt { }

        record Unavailable(Map<String, String> failedNodes) implements Attempt { }
    }

    private final Vertx vertx;
    private final LockSettings settings;
    private final LockMetrics metrics;
    private final List<RedisNode> nodes;
    private final int quorum;
    private final ReleaseSignals wakeups = new ReleaseSignals();
    private final List<ReleaseListener> listeners = new ArrayList<>();
    final long markMs;

    PrimitiveEngine(Vertx vertx, LockSettings settings, LockMetrics metrics) {
        this.vertx = vertx;
        this.settings = settings;
        this.metrics = metrics;
        this.nodes = settings.nodes().stream().map(address -> new RedisNode(vertx, address, settings, metrics::nodeError)).toList();
        this.quorum = settings.quorum();
        // a writer's waiting mark must outlast its longest sleep between attempts, like the plain lock's reservation
        this.markMs = Math.max(50, 2 * settings.maxBackoff().toMillis() + settings.nodeTimeout().toMillis());
        String channel = settings.keyPrefix() + "primitives-released";
        for (var address : settings.nodes()) {
            listeners.add(new ReleaseListener(vertx, address, settings, channel, wakeups::released));
        }
        listeners.forEach(ReleaseListener::start);
        nodes.forEach(node -> node.open().subscribe().with(ok -> { }, failure -> { }));
    }

    LockSettings settings() {
        return settings;
    }

    int quorum() {
        return quorum;
    }

    List<RedisNode> nodes() {
        return nodes;
    }

    // ---------------------------------------------------------------- one attempt

    Uni<Attempt> attempt(Claim claim, String token, Duration ttl) {
        long start = System.nanoTime();
        List<String> keys = claim.acquireKeys();
        List<String> args = claim.acquireArgs(token, ttl);
        return Quorum.fanOut(nodes, node -> node.eval(claim.acquireScript(), keys, args)).flatMap(replies -> {
            Map<Set<Integer>, List<Quorum.Reply>> groups = new LinkedHashMap<>();
            long heldFor = -1;
            boolean queued = false;
            for (Quorum.Reply reply : replies) {
                if (reply.yes()) {
                    groups.computeIfAbsent(fields(reply.response()).keySet(), k -> new ArrayList<>()).add(reply);
                } else if (reply.ok()) {
                    long ms = reply.response().get(1).toLong();
                    queued |= ms <= -2;
                    heldFor = Math.max(heldFor, ms);
                }
            }
            List<Quorum.Reply> best = groups.values().stream().max((a, b) -> Integer.compare(a.size(), b.size())).orElse(List.of());
            Map<String, String> failed = Quorum.failures(replies);
            if (claim.kind == Claim.Kind.FAIR) {
                claim.joined = true;
            }
            if (best.size() < quorum) {
                if (claim.kind == Claim.Kind.FAIR
                        && replies.stream().anyMatch(r -> r.ok() && !r.yes() && r.response().get(1).toLong() == -3)) {
                    // dropped from a queue (heartbeat lapsed): to the back with a new ticket, so grants stay in ticket order
                    claim.ticket = 0;
                }
                if (!best.isEmpty()) {
                    claim.preferredSlots = slots(fields(best.get(0).response()).keySet());
                }
                Attempt refused = failed.size() > nodes.size() - quorum ? new Attempt.Unavailable(failed)
                        : new Attempt.Busy(heldFor < 0 && queued ? -2 : heldFor);
                if (groups.isEmpty() && failed.isEmpty()) {
                    return Uni.createFrom().item(refused);
                }
                return undo(claim, token, nodes).replaceWith(refused);
            }
            List<RedisNode> others = new ArrayList<>();
            for (List<Quorum.Reply> group : groups.values()) {
                if (group != best) {
                    group.forEach(reply -> others.add(reply.node()));
                }
            }
            SortedMap<Integer, Long> fences = new TreeMap<>();
            for (Quorum.Reply reply : best) {
                fields(reply.response()).forEach((slot, value) -> fences.merge(slot, value, Math::max));
            }
            return undo(claim, token, others).flatMap(ignored -> fenceOnQuorum(claim, token, fences, best)).flatMap(fenced -> {
                long validUntil = start + ttl.toNanos() - drift(ttl).toNanos();
                if (fenced >= quorum && System.nanoTime() < validUntil) {
                    return Uni.createFrom().item((Attempt) new Attempt.Granted(fences, validUntil));
                }
                Map<String, String> reasons = new LinkedHashMap<>(failed);
                reasons.put("(all)", fenced < quorum ? "fencing token confirmed on " + fenced + " nodes only"
                        : "validity time used up after " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
                return undo(claim, token, nodes).replaceWith(new Attempt.Unavailable(reasons));
            });
        });
    }

    /**
     * How many granting nodes have a fence sequence ≥ every token handed out, raising it where lower. A
     * node's sequence after its grant is the highest value it answered (each slot stepped it in turn).
     */
    private Uni<Integer> fenceOnQuorum(Claim claim, String token, SortedMap<Integer, Long> fences, List<Quorum.Reply> granted) {
        long highest = fences.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        List<RedisNode> behind = new ArrayList<>();
        for (Quorum.Reply reply : granted) {
            long own = fields(reply.response()).values().stream().mapToLong(Long::longValue).max().orElse(0);
            if (own < highest) {
                behind.add(reply.node());
            }
        }
        int atToken = granted.size() - behind.size();
        if (atToken >= quorum || behind.isEmpty()) {
            return Uni.createFrom().item(atToken);
        }
        List<String> args = List.of(token, Long.toString(highest));
        return Quorum.fanOut(behind, node -> node.eval(PrimitiveScripts.RAISE, claim.raiseKeys(), args))
                .map(replies -> atToken + (int) Quorum.count(replies));
    }

    /** Takes back an attempt that did not succeed; the caller keeps its writer mark or queue place. */
    private Uni<Void> undo(Claim claim, String token, List<RedisNode> targets) {
        List<String> keys = claim.releaseKeys();
        List<String> args = claim.releaseArgs(token, true);
        return Quorum.fanOut(targets, node -> node.eval(PrimitiveScripts.RELEASE, keys, args)).replaceWithVoid();
    }

    /** A caller that gives up leaves: its writer mark or queue place goes too. */
    private Uni<Void> leave(Claim claim, String token) {
        return Quorum.fanOut(nodes, node -> node.eval(PrimitiveScripts.RELEASE, claim.releaseKeys(), claim.releaseArgs(token, false)))
                .replaceWithVoid();
    }

    /**
     * Fair lock: takes the caller's ticket unless it has one: above every ticket whose taking ended
     * before (the highest of a quorum of counters). Null when done, else why a quorum did not answer.
     */
    private Uni<Attempt.Unavailable> ensureTicket(Claim claim) {
        if (claim.kind != Claim.Kind.FAIR || claim.ticket > 0) {
            return Uni.createFrom().nullItem();
        }
        return Quorum.fanOut(nodes, node -> node.eval(PrimitiveScripts.TICKET, claim.ticketKeys(), claim.ticketArgs()))
                .map(replies -> {
                    List<Quorum.Reply> answered = replies.stream().filter(Quorum.Reply::ok).toList();
                    if (answered.size() < quorum) {
                        return new Attempt.Unavailable(Quorum.failures(replies));
                    }
                    claim.ticket = answered.stream().mapToLong(r -> r.response().toLong()).max().orElseThrow();
                    claim.joined = false;
                    return null;
                });
    }

    /** One attempt, after taking a ticket if the claim needs one. */
    private Uni<Attempt> ticketThenAttempt(Claim claim, String token, Duration ttl) {
        return ensureTicket(claim).flatMap(failed -> failed != null ? Uni.createFrom().item((Attempt) failed) : attempt(claim, token, ttl));
    }

    // ---------------------------------------------------------------- acquire

    Uni<Hold> tryAcquire(Claim claim, Duration ttl) {
        requireTtl(ttl);
        // One attempt, bounded by the node timeout: once its scripts are on their way the nodes will run them
        // whatever the caller does, so it runs to its end and a hold granted after a cancel is given back.
        return HandOff.runToEnd(Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            String token = Claim.newToken();
            return ticketThenAttempt(claim, token, ttl).flatMap(attempt -> switch (attempt) {
                case Attempt.Granted granted -> Uni.createFrom().item(granted(claim, token, ttl, granted, started, 1));
                case Attempt.Busy busy -> {
                    metrics.contended(claim.metricGroup());
                    metrics.acquireFinished(claim.metricGroup(), Outcome.BUSY, since(started));
                    LockEvents.failed(claim.name.value(), claim.kind.side, LockEvents.PROCESS, "busy", since(started).toMillis(), 1, Map.of());
                    yield leaveIfQueued(claim, token).onItem().transformToUni(x -> Uni.createFrom().<Hold>failure(
                            new LockBusyException(claim.name, Duration.ofMillis(busy.heldForMs()))));
                }
                case Attempt.Unavailable unavailable -> leaveIfQueued(claim, token)
                        .invoke(() -> LockEvents.failed(claim.name.value(), claim.kind.side, LockEvents.PROCESS, "quorum_unavailable",
                                since(started).toMillis(), 1, unavailable.failedNodes()))
                        .onItem().transformToUni(x -> Uni.createFrom().<Hold>failure(unavailable(claim, unavailable, started)));
            });
        }), () -> { }, PrimitiveEngine::giveBack);
    }

    /** A hold granted as its caller cancelled: given back now, not left to its TTL. */
    private static void giveBack(Hold hold) {
        hold.release().subscribe().with(ignored -> { }, ignored -> { });
    }

    private Uni<Void> leaveIfQueued(Claim claim, String token) {
        return claim.kind == Claim.Kind.FAIR || claim.kind == Claim.Kind.WRITE
                ? leave(claim, token).onFailure().recoverWithNull() : Uni.createFrom().voidItem();
    }

    Uni<Hold> acquire(Claim claim, Duration ttl, Duration maxWait) {
        requireTtl(ttl);
        Objects.requireNonNull(maxWait, "maxWait must not be null");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative but was " + maxWait);
        }
        return Uni.createFrom().deferred(() -> {
            Waiting w = new Waiting(claim, ttl, System.nanoTime(), maxWait);
            metrics.waiting(claim.metricGroup(), 1);
            Uni<Hold> held = contend(w)
                    .onCancellation().call(() -> leave(claim, w.token == null ? "-" : w.token).onFailure().recoverWithNull())
                    .onTermination().invoke(() -> metrics.waiting(claim.metricGroup(), -1));
            return HandOff.cancellable(held, PrimitiveEngine::giveBack);
        });
    }

    private final class Waiting {
        final Claim claim;
        final Duration ttl;
        final long started;
        final long deadline;
        String token;
        int count;
        Attempt.Unavailable lastUnavailable;
        int unavailableInARow;

        Waiting(Claim claim, Duration ttl, long started, Duration maxWait) {
            this.claim = claim;
            this.ttl = ttl;
            this.started = started;
            this.deadline = started + maxWait.toNanos();
        }

        Duration backoff() {
            long capNanos = Math.min(settings.maxBackoff().toNanos(),
                    settings.initialBackoff().toNanos() << Math.min(20, Math.max(0, count - 1)));
            if (claim.kind == Claim.Kind.FAIR) {
                // a waiter renews its queue heartbeat with each attempt
                capNanos = Math.min(capNanos, Duration.ofMillis(claim.heartbeatMs() / 3).toNanos());
            }
            return Duration.ofNanos(ThreadLocalRandom.current().nextLong(capNanos + 1));
        }

        Duration left() {
            return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        }
    }

    private Uni<Hold> contend(Waiting w) {
        w.count++;
        long stamp = wakeups.stamp(w.claim.signalName());
        w.token = Claim.newToken();
        String token = w.token;
        return ticketThenAttempt(w.claim, token, w.ttl).flatMap(attempt -> switch (attempt) {
            case Attempt.Granted granted -> Uni.createFrom().item(granted(w.claim, token, w.ttl, granted, w.started, w.count));
            case Attempt.Busy busy -> {
                w.lastUnavailable = null;
                w.unavailableInARow = 0;
                metrics.contended(w.claim.metricGroup());
                yield retryOrGiveUp(w, busy.heldForMs(), stamp);
            }
            case Attempt.Unavailable unavailable -> {
                w.lastUnavailable = unavailable;
                w.unavailableInARow++;
                LOG.debugf("%s %s: quorum unavailable on attempt %d: %s", w.claim.kind.side, w.claim.name, w.count, unavailable.failedNodes());
                yield retryOrGiveUp(w, -1, stamp);
            }
        });
    }

    private Uni<Hold> retryOrGiveUp(Waiting w, long heldForMs, long stamp) {
        Duration left = w.left();
        if (left.isZero() || w.unavailableInARow >= UNAVAILABLE_ATTEMPTS) {
            Throwable failure;
            if (w.lastUnavailable != null) {
                failure = unavailable(w.claim, w.lastUnavailable, w.started);
            } else {
                metrics.acquireFinished(w.claim.metricGroup(), Outcome.TIMEOUT, since(w.started));
                failure = new LockWaitTimeoutException(w.claim.name, w.count, since(w.started));
            }
            LockEvents.failed(w.claim.name.value(), w.claim.kind.side, LockEvents.PROCESS,
                    w.lastUnavailable != null ? "quorum_unavailable" : "timeout", since(w.started).toMillis(), w.count,
                    w.lastUnavailable != null ? w.lastUnavailable.failedNodes() : Map.of());
            return leave(w.claim, w.token).onFailure().recoverWithNull()
                    .onItem().transformToUni(x -> Uni.createFrom().<Hold>failure(failure));
        }
        Duration pause = w.backoff();
        if (heldForMs > 0 && heldForMs + 1 < pause.toMillis()) {
            pause = Duration.ofMillis(heldForMs + 1);
        }
        if (pause.compareTo(left) > 0) {
            pause = left;
        }
        if (pause.compareTo(Duration.ofMillis(1)) < 0) {
            pause = Duration.ofMillis(1); // Vert.x refuses timers under 1 ms
        }
        Uni<Void> sleep = w.lastUnavailable != null ? Uni.createFrom().voidItem().onItem().delayIt().by(pause)
                : wakeups.sleep(w.claim.signalName(), pause, stamp, noWakeHook -> { });
        return sleep.flatMap(ignored -> contend(w));
    }

    private Hold granted(Claim claim, String token, Duration ttl, Attempt.Granted granted, long started, int attempts) {
        Hold hold = new Hold(this, claim, token, granted.fences(), granted.validUntilNanos(), ttl);
        Duration waited = since(started);
        metrics.acquireFinished(claim.metricGroup(), Outcome.ACQUIRED, waited);
        metrics.waited(claim.metricGroup(), waited);
        metrics.holding(claim.metricGroup(), 1);
        metrics.holdStarted(claim.metricGroup(), hold, claim.name + "/" + claim.kind.side, hold.fencingToken(), hold::isValid);
        LockEvents.acquired(claim.name.value(), claim.kind.side, tokens(granted.fences()), LockEvents.PROCESS, waited.toMillis(), attempts);
        return hold;
    }

    private QuorumUnavailableException unavailable(Claim claim, Attempt.Unavailable unavailable, long started) {
        metrics.quorumFailure(claim.metricGroup());
        metrics.acquireFinished(claim.metricGroup(), Outcome.ERROR, since(started));
        return new QuorumUnavailableException(claim.name, quorum, nodes.size(), unavailable.failedNodes());
    }

    // ---------------------------------------------------------------- release, extend, with

    Uni<Void> release(Hold hold) {
        Claim claim = hold.claim();
        metrics.holding(claim.metricGroup(), -1);
        metrics.held(claim.metricGroup(), since(hold.acquiredNanos()));
        metrics.holdEnded(hold);
        return Quorum.fanOut(nodes, node -> node.eval(PrimitiveScripts.RELEASE, claim.releaseKeys(), claim.releaseArgs(hold.token(), false)))
                .map(replies -> {
                    long owned = Quorum.count(replies);
                    if (owned < quorum) {
                        metrics.expiredRelease(claim.metricGroup());
                    }
                    LockEvents.released(claim.name.value(), claim.kind.side, tokens(hold.fencingTokens()), LockEvents.PROCESS,
                            since(hold.acquiredNanos()).toMillis(), owned >= quorum);
                    return null;
                });
    }

    Uni<Hold> extend(Hold hold, Duration ttl) {
        Claim claim = hold.claim();
        long start = System.nanoTime();
        List<String> args = List.of(hold.token(), Long.toString(ttl.toMillis()));
        return Quorum.fanOut(nodes, node -> node.eval(PrimitiveScripts.EXTEND, claim.extendKeys(), args)).map(replies -> {
            long owned = Quorum.count(replies);
            long validUntil = start + ttl.toNanos() - drift(ttl).toNanos();
            if (owned >= quorum && System.nanoTime() < validUntil) {
                hold.extended(validUntil, ttl);
                metrics.extended(claim.metricGroup(), true);
                LockEvents.extended(claim.name.value(), claim.kind.side, tokens(hold.fencingTokens()), LockEvents.PROCESS, ttl.toMillis());
                return hold;
            }
            metrics.extended(claim.metricGroup(), false);
            Map<String, String> failed = Quorum.failures(replies);
            String reason = failed.size() > nodes.size() - quorum ? "quorum unavailable, failed nodes: " + failed
                    : owned >= quorum ? "extension took longer than the lease"
                    : "the lease is gone on " + (nodes.size() - owned) + " of " + nodes.size() + " nodes";
            throw new LeaseLostException(claim.name, hold.fencingToken(), reason);
        });
    }

    <T> Uni<T> with(Uni<Hold> acquired, Function<HoldGuard, Uni<T>> work) {
        Objects.requireNonNull(work, "work");
        return acquired.flatMap(hold -> {
            HoldGuard guard = new HoldGuard(hold);
            guard.onLost(lost -> {
                metrics.leaseLost(hold.claim().metricGroup());
                LockEvents.lost(hold.name().value(), hold.kind(), tokens(hold.fencingTokens()), LockEvents.PROCESS, lost.getMessage());
            });
            LeaseKeeper keeper = new LeaseKeeper(vertx, hold, guard, settings.renewFraction());
            keeper.start();
            Uni<T> result = Uni.createFrom().deferred(() -> work.apply(guard));
            Uni<T> lostFirst = guard.whenLost().onItem().transformToUni(lost -> Uni.createFrom().<T>failure(lost));
            return Uni.join().first(result, lostFirst).toTerminate()
                    .onTermination().call(() -> {
                        keeper.stop();
                        return hold.release().onFailure().recoverWithNull();
                    });
        });
    }

    // ---------------------------------------------------------------- helpers

    /** The fencing token as logged: one number, or slot=token pairs for a semaphore. */
    private static String tokens(SortedMap<Integer, Long> fences) {
        if (fences.size() == 1 && fences.containsKey(0)) {
            return fences.get(0).toString();
        }
        StringBuilder out = new StringBuilder();
        fences.forEach((slot, token) -> out.append(out.isEmpty() ? "" : ",").append(slot).append('=').append(token));
        return out.toString();
    }

    /** {1, field, value, field, value, …} → field → value. */
    private static SortedMap<Integer, Long> fields(Response response) {
        SortedMap<Integer, Long> values = new TreeMap<>();
        for (int i = 1; i + 1 < response.size(); i += 2) {
            values.put(Integer.parseInt(response.get(i).toString()), response.get(i + 1).toLong());
        }
        return values;
    }

    private static String slots(Set<Integer> slots) {
        return String.join(",", new HashSet<>(slots).stream().sorted().map(String::valueOf).toList());
    }

    Duration drift(Duration ttl) {
        return Duration.ofMillis((long) (ttl.toMillis() * settings.clockDriftFactor()) + 2);
    }

    static void requireTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl must not be null");
        if (ttl.compareTo(MIN_TTL) < 0) {
            throw new IllegalArgumentException("ttl must be at least " + MIN_TTL.toMillis() + " ms but was " + ttl.toMillis() + " ms");
        }
    }

    static LockName requireName(LockName name) {
        return Objects.requireNonNull(name, "lock name must not be null");
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    @Override
    public void close() {
        listeners.forEach(ReleaseListener::close);
        nodes.forEach(RedisNode::close);
    }
}
