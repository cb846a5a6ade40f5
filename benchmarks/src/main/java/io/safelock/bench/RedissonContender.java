package io.safelock.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.RedissonRedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson's RLock on one node, or its RedissonRedLock over one client per node, with an explicit lease
 * time (no watchdog) and the same wait limit as ours.
 */
final class RedissonContender implements Contender {

    private final List<RedissonClient> clients = new ArrayList<>();
    private final String name;

    RedissonContender(List<String> nodes) {
        for (String node : nodes) {
            Config config = new Config();
            config.useSingleServer().setAddress(node).setConnectionPoolSize(32).setConnectionMinimumIdleSize(8)
                    .setSubscriptionConnectionPoolSize(8).setTimeout(3000);
            clients.add(Redisson.create(config));
        }
        this.name = nodes.size() == 1 ? "Redisson RLock" : "RedissonRedLock(" + nodes.size() + ")";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    @SuppressWarnings("deprecation") // RedissonRedLock is the named alternative; Redisson deprecated it without a replacement
    public Object lock(String key) throws InterruptedException {
        RLock lock;
        if (clients.size() == 1) {
            lock = clients.get(0).getLock("bench:" + key);
        } else {
            RLock[] perNode = clients.stream().map(c -> c.getLock("bench:" + key)).toArray(RLock[]::new);
            lock = new RedissonRedLock(perNode);
        }
        if (!lock.tryLock(30, 5, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + ": lock " + key + " not acquired in 30 s");
        }
        return lock;
    }

    @Override
    public void unlock(Object handle) {
        ((RLock) handle).unlock();
    }

    @Override
    public void close() {
        clients.forEach(RedissonClient::shutdown);
    }
}
