package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Fencing tokens come from one sequence per node, so user-chosen lock names cannot fill the nodes. */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(1)
class FenceSequenceTest {

    static final Vertx vertx = LockTestSupport.vertx();

    @Test
    void manyDistinctNamesLeaveNoKeysBehind(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes); NodeAdmin admin = new NodeAdmin(nodes.node(0).uri())) {
            long before = admin.dbSize();
            long lastToken = 0;
            for (int i = 0; i < 2_000; i++) {
                Lease lease = locks.blocking().tryAcquire(LockName.of("counter", "name-" + i), Duration.ofSeconds(5));
                assertThat(lease.fencingToken()).as("tokens rise across names too").isGreaterThan(lastToken);
                lastToken = lease.fencingToken();
                locks.blocking().release(lease);
            }
            long after = admin.dbSize();
            assertThat(after - before).as("keys left on the node by 2,000 released locks: %s", admin.keys()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void tokensKeepRisingWhenANodeLosesItsData(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes); NodeAdmin admin = new NodeAdmin(nodes.node(0).uri())) {
            LockName name = LockName.of("fence", "data-loss");
            long before = 0;
            for (int i = 0; i < 5; i++) {
                Lease lease = locks.blocking().tryAcquire(name, Duration.ofSeconds(5));
                before = lease.fencingToken();
                locks.blocking().release(lease);
            }
            admin.call("FLUSHALL"); // as a node restarted without its data
            Lease after = locks.blocking().tryAcquire(name, Duration.ofSeconds(5));
            assertThat(after.fencingToken()).as("token after the node forgot everything").isGreaterThan(before);
            locks.blocking().release(after);
        }
    }
}
