package io.safelock.lock;

import io.safelock.lock.internal.redis.LockScripts;
import io.safelock.lock.internal.redis.OwnerRecord;
import io.safelock.lock.redis.LuaScript;
import io.safelock.lock.internal.redis.RedisNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a quorum of nodes says about a lock ({@link #inspect}): its holder's key and TTL, and the owner
 * record beside it ({@link OwnerRecord}: the grant writes it in the same script, the extension renews it
 * and the release deletes it with the key; see {@link LockScripts#ACQUIRE}).
 */
final class LockOwnership {

    /**
     * KEYS: lock, owner, waiting flag, reservation. Answers {holder token or '', its PTTL, waiting, reserved,
     * owner record or ''}. A record of another type (an older version's hash, during an upgrade) reads as none.
     */
    static final LuaScript INSPECT = LuaScript.of("inspect", """
            local holder = redis.call('GET', KEYS[1]) or ''
            local owner = redis.pcall('GET', KEYS[2])
            if type(owner) ~= 'string' then owner = '' end
            return {holder, redis.call('PTTL', KEYS[1]), redis.call('EXISTS', KEYS[3]), redis.call('EXISTS', KEYS[4]), owner}
            """);

    private final Redlock redlock;

    LockOwnership(Redlock redlock) {
        this.redlock = redlock;
    }

    private record NodeView(String holder, long pttl, boolean waiting, boolean reserved, java.util.Optional<OwnerRecord> owner) {
    }

    Uni<LockInfo> inspect(LockName name, int waitingHere) {
        String lockKey = redlock.lockKey(name);
        List<String> keys = List.of(lockKey, redlock.ownerKey(name), lockKey + ":waiting", lockKey + ":next");
        List<RedisNode> nodes = redlock.nodes();
        int quorum = redlock.quorum();
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
                    // the lease's fencing token is the highest among its nodes (raised on a quorum before it was handed out)
                    java.util.Optional<OwnerRecord> owner = held.stream().flatMap(v -> v.owner().stream())
                            .filter(o -> entry.getKey().equals(o.token()))
                            .max(java.util.Comparator.comparingLong(OwnerRecord::fence));
                    return new LockInfo(name, true, owner.map(OwnerRecord::owner).orElse(null),
                            owner.map(o -> Instant.ofEpochMilli(o.since())).orElse(null),
                            Duration.ofMillis(Math.max(0, ttls.get(quorum - 1))),
                            owner.map(OwnerRecord::fence).orElse(-1L),
                            waitingHere, othersWaiting, reserved, failed);
                }
            }
            return new LockInfo(name, false, null, null, Duration.ZERO, -1, waitingHere, othersWaiting, reserved, failed);
        });
    }

    private static NodeView view(Response response) {
        return new NodeView(response.get(0).toString(), response.get(1).toLong(), response.get(2).toLong() == 1,
                response.get(3).toLong() == 1, OwnerRecord.parse(response.get(4).toString()));
    }
}
