package io.safelock.lock.admin;

import io.safelock.lock.DistributedLocks;
import io.safelock.lock.LockInfo;
import io.safelock.lock.LockName;
import io.safelock.lock.config.LockConfig;
import io.safelock.lock.internal.redis.RedisNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages through the lock keys on the nodes with SCAN (never KEYS): node after node, each with its own
 * cursor. A lock held by a quorum is on at least one answering node; a key also found on an earlier
 * node was listed there already and is skipped. Each candidate is inspected, and listed if a quorum holds it.
 */
@ApplicationScoped
class LockScan {

    /** Where the next page starts: a node index and that node's SCAN cursor ("2-1536"). */
    record Position(int node, String cursor) {
        static Position parse(String text) {
            if (text == null || text.isBlank()) {
                return new Position(0, "0");
            }
            int dash = text.indexOf('-');
            try {
                if (dash > 0) {
                    int node = Integer.parseInt(text.substring(0, dash));
                    String cursor = text.substring(dash + 1);
                    Long.parseUnsignedLong(cursor);
                    if (node >= 0) {
                        return new Position(node, cursor);
                    }
                }
            } catch (NumberFormatException e) {
                // falls through
            }
            throw new IllegalArgumentException("cursor must be a next_cursor from an earlier page, was '" + text + "'");
        }

        String format() {
            return node + "-" + cursor;
        }
    }

    record Page(List<LockInfo> locks, Position next) {
    }

    @Inject
    DistributedLocks locks;

    @Inject
    LockConfig config;

    @Inject
    Vertx vertx;

    private volatile List<RedisNode> nodes;

    private List<RedisNode> nodes() {
        List<RedisNode> current = nodes;
        if (current == null) {
            synchronized (this) {
                if (nodes == null) {
                    nodes = locks.settings().nodes().stream()
                            .map(address -> new RedisNode(vertx, address, locks.settings(), (node, reason) -> { })).toList();
                }
                current = nodes;
            }
        }
        return current;
    }

    Uni<Page> page(Position from, int size) {
        List<RedisNode> all = nodes();
        if (from.node() >= all.size()) {
            return Uni.createFrom().item(new Page(List.of(), null));
        }
        String prefix = config.keyPrefix() + "{";
        Request scan = Request.cmd(Command.SCAN).arg(from.cursor()).arg("MATCH").arg(escape(prefix) + "*}").arg("COUNT").arg(size);
        return all.get(from.node()).send(scan)
                .onFailure().recoverWithItem(failure -> null) // a node that is down: go on with the next one
                .flatMap(reply -> {
                    String nextCursor = reply == null ? "0" : reply.get(0).toString();
                    Position next = !"0".equals(nextCursor) ? new Position(from.node(), nextCursor)
                            : from.node() + 1 < all.size() ? new Position(from.node() + 1, "0") : null;
                    List<LockName> names = new ArrayList<>();
                    if (reply != null) {
                        for (Response key : reply.get(1)) {
                            LockName name = lockName(key.toString(), prefix);
                            if (name != null && config.admin().groups().contains(name.group())) {
                                names.add(name);
                            }
                        }
                    }
                    if (names.isEmpty()) {
                        return Uni.createFrom().item(new Page(List.of(), next));
                    }
                    List<Uni<LockInfo>> found = new ArrayList<>();
                    for (LockName name : names) {
                        found.add(listedEarlier(all, from.node(), prefix + name.value() + "}")
                                .flatMap(earlier -> earlier ? Uni.createFrom().nullItem() : locks.inspect(name)));
                    }
                    return Uni.join().all(found).andFailFast()
                            .map(infos -> new Page(infos.stream().filter(i -> i != null && i.locked()).toList(), next));
                });
    }

    /** The key is on a node scanned before this one (so that page listed it). */
    private static Uni<Boolean> listedEarlier(List<RedisNode> all, int node, String key) {
        if (node == 0) {
            return Uni.createFrom().item(false);
        }
        List<Uni<Boolean>> checks = new ArrayList<>();
        for (int i = 0; i < node; i++) {
            checks.add(all.get(i).send(Request.cmd(Command.EXISTS).arg(key)).map(r -> r.toLong() == 1)
                    .onFailure().recoverWithItem(false));
        }
        return Uni.join().all(checks).andFailFast().map(list -> list.contains(true));
    }

    /** {@code prefix{group:id}} → the lock name; other keys (…}:fence, …}:owner, primitives' keys) → null. */
    static LockName lockName(String key, String prefix) {
        if (!key.startsWith(prefix) || !key.endsWith("}")) {
            return null;
        }
        try {
            return LockName.parse(key.substring(prefix.length(), key.length() - 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Glob-escapes the prefix for SCAN MATCH. */
    private static String escape(String text) {
        return text.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    @PreDestroy
    void close() {
        List<RedisNode> current = nodes;
        if (current != null) {
            current.forEach(RedisNode::close);
        }
    }
}
