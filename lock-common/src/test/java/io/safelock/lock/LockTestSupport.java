package io.safelock.lock;

import io.safelock.lock.config.LockSettings;
import io.safelock.testsupport.RedisNodes;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.List;

/** Builds lock clients against the test's Redis nodes with short, test-friendly timings. */
final class LockTestSupport {

    /** One Vert.x for all tests in this JVM (the fork ends with the run). */
    private static final Vertx VERTX = Vertx.vertx();

    private LockTestSupport() {
    }

    static Vertx vertx() {
        return VERTX;
    }

    static LockSettings.Builder settings(RedisNodes nodes) {
        return settings(nodes.uris());
    }

    static LockSettings.Builder settings(List<String> uris) {
        return LockSettings.builder(uris)
                .nodeTimeout(Duration.ofMillis(500))
                .leaseTtl(Duration.ofSeconds(5))
                .waitTimeout(Duration.ofSeconds(10));
    }

    static DistributedLocks locks(Vertx vertx, RedisNodes nodes) {
        return ready(DistributedLocks.create(vertx, settings(nodes).build(), null));
    }

    /** Waits until the client's connections answer, so cold start-up does not count against node timeouts. */
    static DistributedLocks ready(DistributedLocks locks) {
        locks.nodeStatus().await().atMost(Duration.ofSeconds(10));
        return locks;
    }
}
