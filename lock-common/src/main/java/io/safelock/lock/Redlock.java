package io.safelock.lock;

import io.safelock.lock.config.LockSettings;
import io.safelock.lock.internal.redis.LockScripts;
import io.safelock.lock.redis.LuaScript;
import io.safelock.lock.internal.redis.RedisNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The lock algorithm, top to bottom. One node is the degenerate case (quorum 1); with N nodes it is
 * Redlock: ask every node at once, succeed only with a majority and time left on the lease.
 *
 * <p>Fencing tokens: every node keeps one rising sequence, stepped when it grants a lock. The token is
 * the highest value among the granting nodes. Two quorums may return the same maximum, so before
 * handing the token out we make sure a quorum of nodes that we <em>still own</em> holds a sequence at
 * least that high. Any later holder must win a quorum, which shares a node with ours; it won that node
 * only after our key there was gone, i.e. after our sequence write, so its step there lands above our
 * token. (Assumes nodes do not lose writes on restart: AOF with fsync, or a restart delayed by more
 * than the TTL; the sequence also never falls below the clients' clocks in microseconds.) Every node is
 * offered the same next value, the client's clock in microseconds, so the nodes of a quorum usually
 * answer the same token and the raise is needed only where a node's sequence was already higher.
 *
 * <p>Node set: every node remembers the list of nodes it was last locked through, for at least as long
 * as the longest lease granted since. A client configured with another list is refused ({@link Attempt.OtherNodeSet}):
 * during a rolling change of the node list, old and new clients would otherwise count different
 * majorities and could both hold one lock.
 */
final class Redlock {

    /** What one attempt ended in. */
    sealed interface Attempt {
        record Granted(long fencingToken, long validUntilNanos) implements Attempt { }

        /**
         * Not granted, but the nodes answered: held by someone else ({@code heldForMs} is the holder's
         * remaining TTL, or -1 if unknown), or the grant was lost or too slow ({@code reason}).
         */
        record Busy(long heldForMs, String reason) implements Attempt { }

        /** Too few nodes answered; node → reason. */
        record Unavailable(Map<String, String> failedNodes) implements Attempt { }

        /** Nodes that were locked through another node set: node → that node set. */
        record OtherNodeSet(Map<String, String> nodeSets) implements Attempt { }
    }

    /** What an extension ended in. */
    sealed interface Extension {
        record Extended(long validUntilNanos) implements Extension { }

        /** The key is gone or owned by someone else on a majority: the lease is over. */
        record Lost(String reason) implements Extension { }

        /** Too few nodes answered: the lease may still be ours; worth another try while it is valid. */
        record Unanswered(Map<String, String> failedNodes) implements Extension { }
    }

    private record Reply(RedisNode node, Response response, Throwable failure) {
        boolean ok() {
            return failure == null;
        }

        long first() {
            return response.get(0).toLong();
        }
    }

    private final List<RedisNode> nodes;
    private final int quorum;
    private final LockSettings settings;
    private final String channel;
    private final String nodeSet;
    private final long reservationMs;
    /** The highest fencing token this process proposed or was granted; see {@link #proposeFence}. */
    private final java.util.concurrent.atomic.AtomicLong lastFence = new java.util.concurrent.atomic.AtomicLong();

    Redlock(List<RedisNode> nodes, LockSettings settings) {
        this.nodes = List.copyOf(nodes);
        this.quorum = settings.quorum();
        this.settings = settings;
        this.channel = settings.keyPrefix() + "released";
        this.nodeSet = settings.nodeSetId();
        // long enough to outlast a waiter's longest sleep between attempts, short enough not to block others for long
        this.reservationMs = Math.max(50, 2 * settings.maxBackoff().toMillis() + settings.nodeTimeout().toMillis());
    }

    String channel() {
        return channel;
    }

    int quorum() {
        return quorum;
    }

    List<RedisNode> nodes() {
        return nodes;
    }

    Uni<Attempt> attempt(LockName name, String token, String waiter, Duration ttl, boolean reserve, LockOwner owner) {
        return attempt(name, token, waiter, ttl, reserve, owner, "");
    }

    /**
     * @param token    new for every attempt
     * @param waiter   the same for all attempts of one caller: what a reservation is made for
     * @param owner    who asks: recorded with the lock where it is granted
     * @param previous the token of a lease of this process being handed over to this caller ('' if none):
     *                 its key counts as free
     */
    Uni<Attempt> attempt(LockName name, String token, String waiter, Duration ttl, boolean reserve, LockOwner owner, String previous) {
        long start = System.nanoTime();
        List<String> keys = List.of(lockKey(name), sequenceKey(), reservationKey(name), waitersKey(name), nodeSetKey(), ownerKey(name));
        List<String> args = List.of(token, Long.toString(ttl.toMillis()), reserve ? Long.toString(reservationMs) : "0", waiter, previous, nodeSet,
                io.safelock.lock.internal.redis.OwnerRecord.who(owner), Long.toString(proposeFence()));
        Predicate<List<Reply>> decided = replies -> count(replies, r -> r.ok() && r.first() == 1) >= quorum
                || count(replies, r -> !r.ok() || r.first() != 1) > nodes.size() - quorum;
        // a grant that comes after a failed attempt gave up must not stay behind as a key nobody owns
        // (after a successful one it is ours, and the lease's release deletes it)
        java.util.concurrent.atomic.AtomicBoolean succeeded = new java.util.concurrent.atomic.AtomicBoolean();
        BiConsumer<RedisNode, Response> lateGrant = (node, response) -> {
            if (response.get(0).toLong() == 1 && !succeeded.get()) {
                node.eval(LockScripts.RELEASE, releaseKeys(name), releaseArgs(name, token, waiter, false))
                        .subscribe().with(ignored -> { }, ignored -> { });
            }
        };
        return fanOut(nodes, node -> node.eval(LockScripts.ACQUIRE, keys, args), decided, lateGrant).flatMap(replies -> {
            List<Reply> granted = new ArrayList<>();
            Map<String, String> otherNodeSets = new LinkedHashMap<>();
            long heldFor = -1;
            for (Reply reply : replies) {
                if (!reply.ok()) {
                    continue;
                }
                long outcome = reply.first();
                if (outcome == 1) {
                    granted.add(reply);
                } else if (outcome == LockScripts.OTHER_NODE_SET) {
                    otherNodeSets.put(reply.node().name(), reply.response().get(1).toString());
                } else {
                    heldFor = Math.max(heldFor, reply.response().get(1).toLong());
                }
            }
            Map<String, String> failed = failures(replies);
            if (!otherNodeSets.isEmpty()) {
                return undo(name, token, waiter, !granted.isEmpty()).replaceWith(new Attempt.OtherNodeSet(otherNodeSets));
            }
            if (granted.size() < quorum) {
                Attempt failure = failed.size() > nodes.size() - quorum ? new Attempt.Unavailable(failed)
                        : new Attempt.Busy(heldFor, "held by another owner");
                // undo partial grants before anyone retries; keep our reservation, the retry needs it
                return undo(name, token, waiter, !granted.isEmpty() || !failed.isEmpty()).replaceWith(failure);
            }
            long fencingToken = granted.stream().mapToLong(r -> r.response().get(1).toLong()).max().orElseThrow();
            lastFence.accumulateAndGet(fencingToken, Math::max);
            return fenceOnQuorum(name, token, fencingToken, granted).flatMap(fenced -> {
                long validUntil = start + ttl.toNanos() - drift(ttl).toNanos();
                long tookMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
                if (fenced >= quorum && System.nanoTime() < validUntil) {
                    succeeded.set(true);
                    return Uni.createFrom().item((Attempt) new Attempt.Granted(fencingToken, validUntil));
                }
                // the nodes answered: this is contention (another client took nodes over) or slowness, not an outage
                Attempt notGranted = fenced < quorum
                        ? new Attempt.Busy(-1, "taken over on " + (granted.size() - fenced) + " nodes before the fencing token was confirmed")
                        : new Attempt.Busy(-1, "the grant took " + tookMs + " ms, longer than the " + ttl.toMillis() + " ms lease");
                return undo(name, token, waiter, true).replaceWith(notGranted);
            });
        });
    }

    /**
     * The fencing token to offer every node: this process's clock in microseconds, or one above the last
     * token this process proposed or saw if that is higher. The same offer to all nodes is what lets a
     * quorum agree on the token at once; a node whose sequence is already higher answers above it, and
     * then {@link #fenceOnQuorum} raises the others.
     */
    private long proposeFence() {
        java.time.Instant now = java.time.Instant.now();
        long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
        return lastFence.updateAndGet(last -> Math.max(last + 1, micros));
    }

    private Uni<Integer> undo(LockName name, String token, String waiter, boolean needed) {
        return needed ? release(name, token, waiter, false).onFailure().recoverWithItem(0) : Uni.createFrom().item(0);
    }

    /** How many nodes we own hold a fence sequence ≥ {@code fencingToken}, raising it where it is lower. */
    private Uni<Integer> fenceOnQuorum(LockName name, String token, long fencingToken, List<Reply> granted) {
        List<RedisNode> behind = granted.stream().filter(r -> r.response().get(1).toLong() < fencingToken).map(Reply::node).toList();
        int atToken = granted.size() - behind.size();
        if (atToken >= quorum || behind.isEmpty()) {
            return Uni.createFrom().item(atToken);
        }
        List<String> keys = List.of(lockKey(name), sequenceKey(), ownerKey(name));
        List<String> args = List.of(token, Long.toString(fencingToken));
        Predicate<List<Reply>> decided = replies -> atToken + count(replies, r -> r.ok() && r.response().toLong() == 1) >= quorum;
        return fanOut(behind, node -> node.eval(LockScripts.RAISE_FENCE, keys, args), decided, (node, late) -> { })
                .map(replies -> atToken + count(replies, r -> r.ok() && r.response().toLong() == 1));
    }

    Uni<Extension> extend(LockName name, String token, Duration ttl) {
        long start = System.nanoTime();
        List<String> keys = List.of(lockKey(name), nodeSetKey(), ownerKey(name));
        List<String> args = List.of(token, Long.toString(ttl.toMillis()), nodeSet);
        Predicate<List<Reply>> decided = replies -> count(replies, r -> r.ok() && r.response().toLong() == 1) >= quorum
                || count(replies, r -> r.ok() && r.response().toLong() != 1) > nodes.size() - quorum;
        return fanOut(nodes, node -> node.eval(LockScripts.EXTEND, keys, args), decided, (node, late) -> { }).map(replies -> {
            int owned = count(replies, r -> r.ok() && r.response().toLong() == 1);
            int refused = count(replies, r -> r.ok() && r.response().toLong() != 1);
            long validUntil = start + ttl.toNanos() - drift(ttl).toNanos();
            if (owned >= quorum && System.nanoTime() < validUntil) {
                return new Extension.Extended(validUntil);
            }
            if (refused > nodes.size() - quorum) {
                return new Extension.Lost("the key is gone or owned by another holder on " + refused + " of " + nodes.size() + " nodes");
            }
            if (owned >= quorum) {
                return new Extension.Lost("the extension took longer than the lease");
            }
            return new Extension.Unanswered(failures(replies));
        });
    }

    /** Deletes our key and our waiter's reservation on every node; returns on how many nodes the key was still ours. */
    Uni<Integer> release(LockName name, String token, String waiter) {
        return release(name, token, waiter, true);
    }

    private Uni<Integer> release(LockName name, String token, String waiter, boolean dropReservation) {
        List<String> keys = releaseKeys(name);
        List<String> args = releaseArgs(name, token, waiter, dropReservation);
        return fanOut(nodes, node -> node.eval(LockScripts.RELEASE, keys, args), replies -> count(replies, Reply::ok) >= quorum, (node, late) -> { })
                .map(replies -> count(replies, r -> r.ok() && r.response().toLong() == 1));
    }

    Uni<Integer> releaseIgnoringFailures(LockName name, String token, String waiter) {
        return release(name, token, waiter).onFailure().recoverWithItem(0);
    }

    private List<String> releaseKeys(LockName name) {
        return List.of(lockKey(name), reservationKey(name), waitersKey(name), ownerKey(name));
    }

    private List<String> releaseArgs(LockName name, String token, String waiter, boolean dropReservation) {
        return List.of(token, channel, name.value(), waiter, dropReservation ? "1" : "0");
    }

    Duration drift(Duration ttl) {
        return Duration.ofMillis((long) (ttl.toMillis() * settings.clockDriftFactor()) + 2);
    }

    String lockKey(LockName name) {
        return settings.keyPrefix() + "{" + name.value() + "}";
    }

    private String sequenceKey() {
        return settings.keyPrefix() + "fence";
    }

    private String nodeSetKey() {
        return settings.keyPrefix() + "node-set";
    }

    private String reservationKey(LockName name) {
        return lockKey(name) + ":next";
    }

    String ownerKey(LockName name) {
        return lockKey(name) + ":owner";
    }

    private String waitersKey(LockName name) {
        return lockKey(name) + ":waiting";
    }

    private static int count(List<Reply> replies, Predicate<Reply> which) {
        int n = 0;
        for (Reply reply : replies) {
            if (reply != null && which.test(reply)) {
                n++;
            }
        }
        return n;
    }

    private static Map<String, String> failures(List<Reply> replies) {
        Map<String, String> failed = new LinkedHashMap<>();
        for (Reply reply : replies) {
            if (!reply.ok()) {
                failed.put(reply.node().name(), RedisNode.reason(reply.failure()) + ": " + reply.failure().getMessage());
            }
        }
        return failed;
    }

    /**
     * The same call on every node at once; a node's failure becomes its reply instead of failing the lot.
     * Once the replies so far {@code decide} the outcome, a node still silent after the node timeout is
     * not waited for (it may be a node that never answered and whose requests may wait for the longer
     * connect timeout): it counts as failed, and its reply, should it still come, goes to {@code late}.
     */
    private Uni<List<Reply>> fanOut(List<RedisNode> targets, Function<RedisNode, Uni<Response>> call,
                                    Predicate<List<Reply>> decide, BiConsumer<RedisNode, Response> late) {
        if (targets.size() == 1) {
            RedisNode node = targets.get(0);
            return call.apply(node).map(response -> List.of(new Reply(node, response, null)))
                    .onFailure().recoverWithItem(failure -> List.of(new Reply(node, null, failure)));
        }
        return Uni.createFrom().emitter(emitter -> new FanOut(targets, call, decide, late, settings.nodeTimeout(), emitter).start());
    }

    /** One fan-out in progress: collects replies, completes when all are in or the outcome is decided and the node timeout has passed. */
    private static final class FanOut {
        private final List<RedisNode> targets;
        private final Function<RedisNode, Uni<Response>> call;
        private final Predicate<List<Reply>> decide;
        private final BiConsumer<RedisNode, Response> late;
        private final Duration nodeTimeout;
        private final io.smallrye.mutiny.subscription.UniEmitter<? super List<Reply>> emitter;
        private final Reply[] replies;
        private int answered;
        private boolean timeoutPassed;
        private boolean done;

        FanOut(List<RedisNode> targets, Function<RedisNode, Uni<Response>> call, Predicate<List<Reply>> decide,
               BiConsumer<RedisNode, Response> late, Duration nodeTimeout, io.smallrye.mutiny.subscription.UniEmitter<? super List<Reply>> emitter) {
            this.targets = targets;
            this.call = call;
            this.decide = decide;
            this.late = late;
            this.nodeTimeout = nodeTimeout;
            this.emitter = emitter;
            this.replies = new Reply[targets.size()];
        }

        void start() {
            // a node that has answered before is bounded by the node timeout already; only one that never
            // answered may take longer (its first request waits for the connection), so only then is a timer needed
            if (targets.stream().anyMatch(node -> !node.hasAnswered())) {
                Uni.createFrom().voidItem().onItem().delayIt().by(nodeTimeout).subscribe().with(ignored -> {
                    synchronized (this) {
                        timeoutPassed = true;
                    }
                    completeIfDecided();
                });
            }
            for (int i = 0; i < targets.size(); i++) {
                int index = i;
                RedisNode node = targets.get(i);
                call.apply(node).subscribe().with(
                        response -> replied(index, new Reply(node, response, null)),
                        failure -> replied(index, new Reply(node, null, failure)));
            }
        }

        private void replied(int index, Reply reply) {
            synchronized (this) {
                if (done) {
                    if (reply.ok()) {
                        late.accept(reply.node(), reply.response());
                    }
                    return;
                }
                replies[index] = reply;
                answered++;
            }
            completeIfDecided();
        }

        private void completeIfDecided() {
            List<Reply> result;
            synchronized (this) {
                if (done) {
                    return;
                }
                List<Reply> sofar = new ArrayList<>(replies.length);
                for (Reply reply : replies) {
                    if (reply != null) {
                        sofar.add(reply);
                    }
                }
                boolean all = answered == replies.length;
                if (!all && !(timeoutPassed && decide.test(sofar))) {
                    return;
                }
                done = true;
                result = new ArrayList<>(replies.length);
                for (int i = 0; i < replies.length; i++) {
                    result.add(replies[i] != null ? replies[i]
                            : new Reply(targets.get(i), null, new java.util.concurrent.TimeoutException(
                                    "no answer within " + nodeTimeout.toMillis() + " ms while the others had decided")));
                }
            }
            emitter.complete(result);
        }
    }
}
