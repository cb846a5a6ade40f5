package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 2 JVMs × 16 threads increment one Redis key with GET, pause, SET. Under the lock the count is exact
 * and the recorded holds never overlap, with fencing tokens rising in hold order; without it, updates
 * are lost. Node 0 holds the data; all five nodes hold the lock (Redlock), or node 0 alone.
 */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(5)
class MutualExclusionTest {

    static final int JVMS = 2;
    static final int THREADS = 16;
    static final int INCREMENTS = 8;

    static final Vertx vertx = LockTestSupport.vertx();

    @Test
    void singleNodeLockKeepsEveryIncrement(RedisNodes nodes) throws Exception {
        String lockNodes = nodes.node(0).uri();
        assertExact(nodes, lockNodes, "single");
    }

    @Test
    void redlockKeepsEveryIncrement(RedisNodes nodes) throws Exception {
        assertExact(nodes, nodes.nodesProperty(), "redlock");
    }

    @Test
    void withoutTheLockUpdatesAreLost(RedisNodes nodes) throws Exception {
        String key = "counter:unlocked";
        HoldHistory ignored = WorkerJvms.run(JVMS, new WorkerJvms.Config(nodes.node(0).uri(), nodes.node(0).uri(),
                "mx:unlocked", key, THREADS, INCREMENTS, 2, false));
        long expected = (long) JVMS * THREADS * INCREMENTS;
        long actual = value(nodes, key);
        System.out.printf("without lock: expected %d, actual %d, lost %d%n", expected, actual, expected - actual);
        assertThat(actual).as("lost updates without the lock").isLessThan(expected);
    }

    private void assertExact(RedisNodes nodes, String lockNodes, String label) throws Exception {
        String key = "counter:" + label;
        HoldHistory history = WorkerJvms.run(JVMS, new WorkerJvms.Config(lockNodes, nodes.node(0).uri(),
                "mx:" + label, key, THREADS, INCREMENTS, 1, true));
        long expected = (long) JVMS * THREADS * INCREMENTS;
        assertThat(value(nodes, key)).as("final counter (" + label + ")").isEqualTo(expected);
        assertThat(history.size()).isEqualTo((int) expected);
        List<String> violations = history.violations();
        assertThat(violations).as("overlapping holds or non-increasing fencing tokens").isEmpty();
    }

    private static long value(RedisNodes nodes, String key) {
        RedisAPI api = RedisAPI.api(Redis.createClient(vertx, nodes.node(0).uri()));
        try {
            Response response = api.get(key).await().indefinitely();
            return response == null ? 0 : response.toLong();
        } finally {
            api.close();
        }
    }
}
