package io.safelock.lock;

import io.safelock.lock.config.LockSettings;
import io.safelock.lock.redis.LockScripts;
import io.safelock.lock.redis.LuaScript;
import io.safelock.lock.redis.RedisNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The lock algorithm, top to bottom. One node is the degenerate case (quorum 1); with N nodes it is
 * Redlock: ask every node at once, succeed only with a majority and time left on the lease.
 *
 * <p>Fencing tokens: every node keeps a counter per lock name, incremented when it grants the lock.
 * The token is the highest value among the granting nodes. Two quorums may return the same maximum, so
 * before handing the token out we make sure a quorum of nodes that we <em>still own</em> holds a
 * counter at least that high. Any later holder must win a quorum, which shares a node with ours; it won
 * that node only after our key there was gone, i.e. after our counter write, so its increment there
 * lands above our token. (Assumes nodes do not lose writes on restart: AOF with fsync, or a restart
 * delayed by more than the TTL with the counters persisted.)
 */
final class Redlock {

    /** What one attempt ended in. */
    sealed interface Attempt {
        record Granted(long fencingToken, long validUntilNanos) implements Attempt { }

        /** Held by someone else; {@code heldForMs} is the holder's remaining TTL, or -1 if unknown. */
        record Busy(long heldForMs) implements Attempt { }

        /** Too few nodes answered; node → reason. */
        record Unavailable(Map<String, String> failedNodes) implements Attempt { }
    }

    /** What an extension ended in. */
    sealed interface Extension {
        record Extended(long validUntilNanos) implements Extension { }

        record Lost(String reason) implements Extension { }
    }

    private record Reply(RedisNode node, Response response, Throwable failure) {
        boolean ok() {
            return failure == null;
        }
    }

    private final List<RedisNode> nodes;
    private final int quorum;
    private final LockSettings settings;
    private final String channel;
    private final long reservationMs;

    Redlock(List<RedisNode> nodes, LockSettings settings) {
        this.nodes = List.copyOf(nodes);
        this.quorum = settings.quorum();
        this.settings = settings;
        this.channel = settings.keyPrefix() + "released";
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

    Uni<Attempt> attempt(LockName name, String token, String waiter, Duration ttl, boolean reserve) {
        return attempt(name, token, waiter, ttl, reserve, "");
    }

    /**
     * @param token    new for every attempt
     * @param waiter   the same for all attempts of one caller: what a reservation is made for
     * @param previous the token of a lease of this process being handed over to this caller ('' if none):
     *                 its key counts as free
     */
    Uni<Attempt> attempt(LockName name, String token, String waiter, Duration ttl, boolean reserve, String previous) {
        long start = System.nanoTime();
        List<String> keys = List.of(lockKey(name), fenceKey(name), reservationKey(name), waitersKey(name));
        List<String> args = List.of(token, Long.toString(ttl.toMillis()), reserve ? Long.toString(reservationMs) : "0", waiter, previous);
        return fanOut(nodes, node -> node.eval(LockScripts.ACQUIRE, keys, args)).flatMap(replies -> {
            List<Reply> granted = new ArrayList<>();
            long heldFor = -1;
            for (Reply reply : replies) {
                if (reply.ok() && reply.response().get(0).toLong() == 1) {
                    granted.add(reply);
                } else if (reply.ok()) {
                    heldFor = Math.max(heldFor, reply.response().get(1).toLong());
                }
            }
            Map<String, String> failed = failures(replies);
            if (granted.size() < quorum) {
                Attempt failure = failed.size() > nodes.size() - quorum ? new Attempt.Unavailable(failed) : new Attempt.Busy(heldFor);
                if (granted.isEmpty() && failed.isEmpty()) {
                    return Uni.createFrom().item(failure);
                }
                // undo partial grants (and grants a node made after we stopped waiting) before anyone retries
                return releaseIgnoringFailures(name, token, waiter).replaceWith(failure);
            }
            long fencingToken = granted.stream().mapToLong(r -> r.response().get(1).toLong()).max().orElseThrow();
            return fenceOnQuorum(name, token, fencingToken, granted).flatMap(fenced -> {
                long validUntil = start + ttl.toNanos() - drift(ttl).toNanos();
                if (fenced >= quorum && System.nanoTime() < validUntil) {
                    return Uni.createFrom().item((Attempt) new Attempt.Granted(fencingToken, validUntil));
                }
                Map<String, String> reasons = new LinkedHashMap<>(failed);
                reasons.put("(all)", fenced < quorum ? "fencing token confirmed on " + fenced + " nodes only"
                        : "validity time used up after " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
                return releaseIgnoringFailures(name, token, waiter).replaceWith(new Attempt.Unavailable(reasons));
            });
        });
    }

    /** How many nodes we own hold a fence counter ≥ {@code fencingToken}, raising it where it is lower. */
    private Uni<Integer> fenceOnQuorum(LockName name, String token, long fencingToken, List<Reply> granted) {
        List<RedisNode> behind = granted.stream().filter(r -> r.response().get(1).toLong() < fencingToken).map(Reply::node).toList();
        int atToken = granted.size() - behind.size();
        if (atToken >= quorum || behind.isEmpty()) {
            return Uni.createFrom().item(atToken);
        }
        List<String> keys = List.of(lockKey(name), fenceKey(name));
        List<String> args = List.of(token, Long.toString(fencingToken));
        return fanOut(behind, node -> node.eval(LockScripts.RAISE_FENCE, keys, args))
                .map(replies -> atToken + (int) replies.stream().filter(r -> r.ok() && r.response().toLong() == 1).count());
    }

    Uni<Extension> extend(LockName name, String token, Duration ttl) {
        long start = System.nanoTime();
        List<String> keys = List.of(lockKey(name));
        List<String> args = List.of(token, Long.toString(ttl.toMillis()));
        return fanOut(nodes, node -> node.eval(LockScripts.EXTEND, keys, args)).map(replies -> {
            long owned = replies.stream().filter(r -> r.ok() && r.response().toLong() == 1).count();
            long validUntil = start + ttl.toNanos() - drift(ttl).toNanos();
            if (owned >= quorum && System.nanoTime() < validUntil) {
                return new Extension.Extended(validUntil);
            }
            Map<String, String> failed = failures(replies);
            if (failed.size() > nodes.size() - quorum) {
                return new Extension.Lost("quorum unavailable, failed nodes: " + failed);
            }
            return new Extension.Lost(owned >= quorum ? "extension took longer than the lease"
                    : "the key is gone or owned by another holder on " + (nodes.size() - owned) + " of " + nodes.size() + " nodes");
        });
    }

    /** Deletes our key (and our waiter's reservation) on every node; returns on how many nodes the key was still ours. */
    Uni<Integer> release(LockName name, String token, String waiter) {
        List<String> keys = List.of(lockKey(name), reservationKey(name), waitersKey(name));
        List<String> args = List.of(token, channel, name.value(), waiter);
        return fanOut(nodes, node -> node.eval(LockScripts.RELEASE, keys, args))
                .map(replies -> (int) replies.stream().filter(r -> r.ok() && r.response().toLong() == 1).count());
    }

    Uni<Integer> releaseIgnoringFailures(LockName name, String token, String waiter) {
        return release(name, token, waiter).onFailure().recoverWithItem(0);
    }

    Duration drift(Duration ttl) {
        return Duration.ofMillis((long) (ttl.toMillis() * settings.clockDriftFactor()) + 2);
    }

    String lockKey(LockName name) {
        return settings.keyPrefix() + "{" + name.value() + "}";
    }

    private String fenceKey(LockName name) {
        return lockKey(name) + ":fence";
    }

    private String reservationKey(LockName name) {
        return lockKey(name) + ":next";
    }

    private String waitersKey(LockName name) {
        return lockKey(name) + ":waiting";
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

    /** The same call on every node at once; a node's failure becomes its reply instead of failing the lot. */
    private static Uni<List<Reply>> fanOut(List<RedisNode> targets, Function<RedisNode, Uni<Response>> call) {
        List<Uni<Reply>> calls = new ArrayList<>(targets.size());
        for (RedisNode node : targets) {
            calls.add(call.apply(node)
                    .map(response -> new Reply(node, response, null))
                    .onFailure().recoverWithItem(failure -> new Reply(node, null, failure)));
        }
        if (calls.size() == 1) {
            return calls.get(0).map(List::of);
        }
        return Uni.join().all(calls).andFailFast();
    }
}
