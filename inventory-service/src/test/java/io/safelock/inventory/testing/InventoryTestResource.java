package io.safelock.inventory.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.safelock.testsupport.TcpProxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The service's backing servers for in-process tests: a fresh database on the shared PostgreSQL and a
 * run-unique exchange and queue on the shared RabbitMQ, both reached through {@link TcpProxy}s so a
 * test can make either vanish for the service without touching the servers. Redis nodes come from
 * {@code RedisNodesTestResource}.
 */
public final class InventoryTestResource implements QuarkusTestResourceLifecycleManager {

    public static final int RABBITMQ_PORT = 5672;

    /** What the running test application is connected to. */
    public record Backends(TestDatabase database, TcpProxy postgresProxy, TcpProxy rabbitProxy, String exchange, String queue) { }

    private static volatile Backends current;
    private Backends backends;

    public static Backends current() {
        Backends running = current;
        if (running == null) {
            throw new IllegalStateException("InventoryTestResource is not running");
        }
        return running;
    }

    @Override
    public Map<String, String> start() {
        TestDatabase database = TestDatabase.create();
        TcpProxy postgres = TcpProxy.to(TestDatabase.PORT);
        TcpProxy rabbit = TcpProxy.to(RABBITMQ_PORT);
        String run = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        backends = new Backends(database, postgres, rabbit, "test.inventory.events." + run, "test.inventory.purchased." + run);
        current = backends;

        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.reactive.url", database.reactiveUrl(postgres.port()));
        config.put("quarkus.datasource.jdbc.url", "jdbc:" + database.reactiveUrl(postgres.port()));
        EventQueue.declare(RABBITMQ_PORT, backends.exchange(), backends.queue(), "inventory.purchased");
        config.put("rabbitmq-port", Integer.toString(rabbit.port()));
        config.put("inventory.events.exchange", backends.exchange());
        // short leases so a lost lease is noticed within a test (renewed every ~660 ms); a generous node
        // timeout so that a machine busy with other builds (fsync stalls of every node at once) is not
        // mistaken for a lost quorum
        config.put("lock.lease-ttl", "2s");
        config.put("lock.redis.node-timeout", "1s");
        config.put("lock.wait-timeout", "3s");
        // /buy waits this long for its lock and for a checkout permit: enough for the crowds of the tests,
        // short enough for a test of a buyer who gets no permit
        config.put("inventory.buy.max-wait", "10s");
        config.put("inventory.events.relay.max-backoff", "500ms");
        config.put("quarkus.log.category.\"io.safelock\".level", "DEBUG");
        return config;
    }

    @Override
    public void stop() {
        if (backends == null) {
            return;
        }
        current = null;
        EventQueue.deleteQuietly(RABBITMQ_PORT, backends.exchange(), backends.queue());
        backends.postgresProxy().close();
        backends.rabbitProxy().close();
        backends.database().close();
    }
}
