package io.safelock.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: starts real Redis nodes and points {@code lock.redis.nodes} at them.
 * Init arg {@code count} (default 5). The running nodes are reachable through {@link #current()} so a
 * test can kill or pause one.
 */
public final class RedisNodesTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisNodes current;
    private int count = 5;
    private RedisNodes nodes;

    public static RedisNodes current() {
        RedisNodes nodes = current;
        if (nodes == null) {
            throw new IllegalStateException("RedisNodesTestResource is not running");
        }
        return nodes;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        count = Integer.parseInt(initArgs.getOrDefault("count", "5"));
    }

    @Override
    public Map<String, String> start() {
        nodes = RedisNodes.start(count);
        current = nodes;
        return Map.of("lock.redis.nodes", nodes.nodesProperty());
    }

    @Override
    public void stop() {
        if (nodes != null) {
            nodes.close();
        }
        current = null;
    }
}
