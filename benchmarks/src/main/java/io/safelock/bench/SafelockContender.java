package io.safelock.bench;

import io.safelock.lock.DistributedLocks;
import io.safelock.lock.Lease;
import io.safelock.lock.LockName;
import io.safelock.lock.config.LockSettings;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.List;

/** This project's lock through its blocking facade, as a plain-thread caller would use it. */
final class SafelockContender implements Contender {

    private final Vertx vertx = Vertx.vertx();
    private final DistributedLocks locks;
    private final String name;

    SafelockContender(List<String> nodes) {
        // a key space per node list: the scenarios lock node 0 alone and as one of five, and nodes refuse
        // clients whose node list differs from the one they were last locked through
        this.locks = DistributedLocks.create(vertx, LockSettings.builder(nodes).keyPrefix("lock:" + nodes.size() + ":").build(), null);
        this.locks.nodeStatus().await().atMost(Duration.ofSeconds(10));
        this.name = nodes.size() == 1 ? "safelock" : "safelock Redlock(" + nodes.size() + ")";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Object lock(String key) {
        return locks.blocking().acquire(LockName.of("bench", key), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @Override
    public void unlock(Object handle) {
        ((Lease) handle).release().await().indefinitely();
    }

    @Override
    public void close() {
        locks.close();
        vertx.closeAndAwait();
    }
}
