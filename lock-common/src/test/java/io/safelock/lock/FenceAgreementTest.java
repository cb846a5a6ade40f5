package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Under Redlock the nodes of a quorum agree on the fencing token at once, so a grant is one script call
 * per node: a second round trip to raise the lower nodes' sequences is the exception, not the rule.
 */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(3)
class FenceAgreementTest {

    static final Vertx vertx = LockTestSupport.vertx();
    private static final int CYCLES = 50;

    @Test
    void anUncontendedLockAndUnlockIsOneScriptCallPerNodeEach(RedisNodes nodes) {
        try (DistributedLocks locks = LockTestSupport.locks(vertx, nodes)) {
            // warm up: the first calls may load the scripts
            locks.blocking().release(locks.blocking().tryAcquire(LockName.of("agree", "warm-up"), Duration.ofSeconds(5)));
            long before = scriptCalls(nodes);
            long lastToken = 0;
            for (int i = 0; i < CYCLES; i++) {
                Lease lease = locks.blocking().tryAcquire(LockName.of("agree", "name-" + i), Duration.ofSeconds(5));
                assertThat(lease.fencingToken()).isGreaterThan(lastToken);
                lastToken = lease.fencingToken();
                locks.blocking().release(lease);
            }
            long calls = scriptCalls(nodes) - before;
            // acquire + release on each of the 3 nodes; a raise on the nodes behind the maximum would add up to 2 per cycle
            assertThat(calls).as("script calls on 3 nodes for %d lock/unlock cycles", CYCLES).isLessThanOrEqualTo(2L * 3 * CYCLES + 5);
        }
    }

    private static long scriptCalls(RedisNodes nodes) {
        long calls = 0;
        for (int n = 0; n < 3; n++) {
            try (NodeAdmin admin = new NodeAdmin(nodes.node(n).uri())) {
                Matcher m = Pattern.compile("cmdstat_(evalsha|eval):calls=(\\d+)").matcher(admin.call("INFO", "commandstats").toString());
                while (m.find()) {
                    calls += Long.parseLong(m.group(2));
                }
            }
        }
        return calls;
    }
}
