package io.safelock.lock;

import io.safelock.lock.redis.LuaScript;
import io.safelock.lock.redis.RedisNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The owner record stored beside each lock key ({@code <lock key>:owner}, a hash with the same TTL):
 * written right after a grant, renewed with each extension, deleted by the release script with the lock
 * key (and expiring with the lease otherwise). And
 * {@link #inspect}: what a quorum of nodes says about a lock.
 */
final class LockOwnership {

    /** KEYS: lock, owner, waiting flag, reservation. Answers {holder token or '', its PTTL, owner fields…, waiting, reserved}. */
    static final LuaScript INSPECT = LuaScript.of("inspect", """
            local holder = redis.call('GET', KEYS[1]) or ''
            local owner = redis.call('HGETALL', KEYS[2])
            return {holder, redis.call('PTTL', KEYS[1]), redis.call('EXISTS', KEYS[3]), redis.call('EXISTS', KEYS[4]), unpack(owner)}
            """);

    private final List<RedisNode> nodes;
    private final Map<Lease, CompletableFuture<Void>> recording = new java.util.concurrent.ConcurrentHashMap<>();
    private final int quorum;
    private final Duration nodeTimeout;
    private final String keyPrefix;

    LockOwnership(List<RedisNode> nodes, int quorum, String keyPrefix, Duration nodeTimeout) {
        this.nodeTimeout = nodeTimeout;
        this.nodes = nodes;
        this.quorum = quorum;
        this.keyPrefix = keyPrefix;
    }

    private String lockKey(LockName name) {
        return keyPrefix + "{" + name.value() + "}";
    }

    private String ownerKey(LockName name) {
        return lockKey(name) + ":owner";
    }

    /**
     * Best effort, off the lock's critical path: plain HSET and PEXPIRE pipelined right after the grant
     * (no script, so a grant or hand-over stays one script call). The record names its lease token and
     * {@link #inspect} trusts it only where that token holds the lock, so a stale record (an old holder's
     * late write after a release) never names the wrong holder; at worst the holder shows as unknown.
     */
    void record(Lease lease, LockOwner owner) {
        String key = ownerKey(lease.name());
        Request hset = Request.cmd(Command.HSET).arg(key).arg("token").arg(lease.token()).arg("service").arg(owner.service())
                .arg("replica").arg(owner.replica()).arg("host").arg(owner.host()).arg("label").arg(owner.label())
                .arg("since").arg(Long.toString(Instant.now().toEpochMilli())).arg("fence").arg(Long.toString(lease.fencingToken()));
        Request pexpire = Request.cmd(Command.PEXPIRE).arg(key).arg(Long.toString(lease.ttl().toMillis()));
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (RedisNode node : nodes) {
            sent.add(node.send(hset).onFailure().recoverWithNull().subscribeAsCompletionStage());
            sent.add(node.send(pexpire).onFailure().recoverWithNull().subscribeAsCompletionStage());
        }
        recording.put(lease, CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)));
    }

    /**
     * Completes once the lease's record has been answered by every node (or failed there): the release
     * must come after it, or a record landing after the release script would stay behind until its TTL.
     */
    Uni<Void> recorded(Lease lease) {
        CompletableFuture<Void> pending = recording.remove(lease);
        if (pending == null || pending.isDone()) {
            return Uni.createFrom().voidItem();
        }
        // a node that does not answer within the node timeout must not hold the release up (it may never
        // answer); should its record still land after the release, it expires with the lease's TTL
        return Uni.createFrom().completionStage(pending).replaceWithVoid().ifNoItem().after(nodeTimeout).recoverWithItem((Void) null);
    }

    /** The lease ended without a release (expired locally): nothing to wait for. */
    void forget(Lease lease) {
        recording.remove(lease);
    }

    /** The record lives as long as the lease: renewed with each extension. */
    void renew(Lease lease, Duration ttl) {
        for (RedisNode node : nodes) {
            node.send(Request.cmd(Command.PEXPIRE).arg(ownerKey(lease.name())).arg(Long.toString(ttl.toMillis())))
                    .subscribe().with(ok -> { }, failure -> { });
        }
    }

    private record NodeView(String holder, long pttl, boolean waiting, boolean reserved, Map<String, String> owner) {
    }

    Uni<LockInfo> inspect(LockName name, int waitingHere) {
        List<String> keys = List.of(lockKey(name), ownerKey(name), lockKey(name) + ":waiting", lockKey(name) + ":next");
        List<Uni<Object>> calls = new ArrayList<>();
        for (RedisNode node : nodes) {
            calls.add(node.eval(INSPECT, keys, List.of()).map(response -> (Object) view(response))
                    .onFailure().recoverWithItem(failure -> Map.entry(node.name(), RedisNode.reason(failure) + ": " + failure.getMessage())));
        }
        return Uni.join().all(calls).andFailFast().map(results -> {
            Map<String, String> failed = new LinkedHashMap<>();
            List<NodeView> views = new ArrayList<>();
            for (Object result : results) {
                if (result instanceof NodeView view) {
                    views.add(view);
                } else if (result instanceof Map.Entry<?, ?> entry) {
                    failed.put((String) entry.getKey(), (String) entry.getValue());
                }
            }
            if (views.size() < quorum) {
                throw new QuorumUnavailableException(name, quorum, nodes.size(), failed);
            }
            Map<String, List<NodeView>> byHolder = new HashMap<>();
            views.stream().filter(v -> !v.holder().isEmpty() && v.pttl() != -2)
                    .forEach(v -> byHolder.computeIfAbsent(v.holder(), h -> new ArrayList<>()).add(v));
            boolean othersWaiting = views.stream().anyMatch(NodeView::waiting);
            boolean reserved = views.stream().anyMatch(NodeView::reserved);
            for (Map.Entry<String, List<NodeView>> entry : byHolder.entrySet()) {
                List<NodeView> held = entry.getValue();
                if (held.size() >= quorum) {
                    // the lease runs as long as a quorum still has the key: the quorum-th longest TTL
                    List<Long> ttls = held.stream().map(NodeView::pttl).sorted((a, b) -> Long.compare(b, a)).toList();
                    Map<String, String> owner = held.stream().map(NodeView::owner)
                            .filter(o -> entry.getKey().equals(o.get("token"))).findFirst().orElse(Map.of());
                    return new LockInfo(name, true, owner.isEmpty() ? null : new LockOwner(owner.get("service"), owner.get("replica"),
                            owner.get("host"), owner.getOrDefault("label", "")),
                            owner.containsKey("since") ? Instant.ofEpochMilli(Long.parseLong(owner.get("since"))) : null,
                            Duration.ofMillis(Math.max(0, ttls.get(quorum - 1))),
                            owner.containsKey("fence") ? Long.parseLong(owner.get("fence")) : -1,
                            waitingHere, othersWaiting, reserved, failed);
                }
            }
            return new LockInfo(name, false, null, null, Duration.ZERO, -1, waitingHere, othersWaiting, reserved, failed);
        });
    }

    private static NodeView view(Response response) {
        Map<String, String> owner = new HashMap<>();
        for (int i = 4; i + 1 < response.size(); i += 2) {
            owner.put(response.get(i).toString(), response.get(i + 1).toString());
        }
        return new NodeView(response.get(0).toString(), response.get(1).toLong(), response.get(2).toLong() == 1,
                response.get(3).toLong() == 1, owner);
    }
}
