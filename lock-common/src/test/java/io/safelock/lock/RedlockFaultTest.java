package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Redlock over nodes 0–4 while they are killed, paused and restarted; node 5 holds the test's data. */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(6)
class RedlockFaultTest {

    static final Vertx vertx = LockTestSupport.vertx();

    static List<String> lockNodes(RedisNodes nodes) {
        return nodes.uris().subList(0, 5);
    }

    static DistributedLocks client(RedisNodes nodes) {
        return LockTestSupport.ready(DistributedLocks.create(vertx, LockTestSupport.settings(lockNodes(nodes)).build(), null));
    }

    @Test
    void staysExclusiveAndMakesProgressWhileTwoNodesDie(RedisNodes nodes) throws Exception {
        RedisAPI data = RedisAPI.api(Redis.createClient(vertx, nodes.node(5).uri()));
        String key = "faults:counter";
        HoldHistory history = new HoldHistory();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger afterSecondKill = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        int clients = 3;
        int threadsPerClient = 4;
        int increments = 25;
        List<DistributedLocks> locks = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            locks.add(client(nodes));
        }
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            DistributedLocks client = locks.get(c);
            for (int t = 0; t < threadsPerClient; t++) {
                String holder = c + "/" + t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < increments; i++) {
                            Lease lease = client.blocking().acquire(LockName.of("faults", "hot"), Duration.ofSeconds(5), Duration.ofSeconds(30));
                            long start = HoldHistory.nowMicros();
                            LockWorkerMain.increment(data, key, 1);
                            long end = HoldHistory.nowMicros();
                            lease.release().await().indefinitely();
                            history.add(new HoldHistory.Hold(lease.fencingToken(), start, end, holder));
                            done.incrementAndGet();
                            if (nodes.node(1).isRunning() == false && nodes.node(3).isRunning() == false) {
                                afterSecondKill.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
        }
        int total = clients * threadsPerClient * increments;
        awaitProgress(done, total / 4);
        nodes.node(1).kill();
        awaitProgress(done, total / 2);
        nodes.node(3).kill();
        for (Thread thread : threads) {
            thread.join(120_000);
        }
        locks.forEach(DistributedLocks::close);
        assertThat(errors).as("worker errors").isEmpty();
        Response value = data.get(key).await().indefinitely();
        assertThat(value.toLong()).as("final counter").isEqualTo(total);
        assertThat(history.violations()).as("overlaps or non-increasing fencing tokens").isEmpty();
        assertThat(afterSecondKill.get()).as("holds completed with two nodes dead").isGreaterThan(0);
        data.close();
    }

    @Test
    void aThirdDeadNodeFailsFastNamingTheUnreachableNodesThenRecovers(RedisNodes nodes) {
        try (DistributedLocks locks = client(nodes)) {
            LockName name = LockName.of("faults", "quorum");
            Lease before = locks.blocking().tryAcquire(name, Duration.ofSeconds(5));
            locks.blocking().release(before);
            nodes.node(0).kill();
            nodes.node(2).kill();
            nodes.node(4).kill();

            long start = System.nanoTime();
            assertThatThrownBy(() -> locks.blocking().acquire(name, Duration.ofSeconds(5), Duration.ofSeconds(30)))
                    .isInstanceOfSatisfying(QuorumUnavailableException.class, e -> {
                        assertThat(e.failedNodes()).containsOnlyKeys(address(nodes, 0), address(nodes, 2), address(nodes, 4));
                        assertThat(e.getMessage()).contains(address(nodes, 0)).contains("2 of 5 nodes answered, 3 needed");
                    });
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("gave up long before the 30 s wait (a few node timeouts)").isLessThan(Duration.ofSeconds(5));
            assertThatThrownBy(() -> locks.blocking().tryAcquire(name, Duration.ofSeconds(5)))
                    .isInstanceOf(QuorumUnavailableException.class);

            nodes.healAll();
            Lease after = locks.blocking().acquire(name, Duration.ofSeconds(5), Duration.ofSeconds(10));
            assertThat(after.fencingToken()).as("restarted nodes kept their counters").isGreaterThan(before.fencingToken());
            locks.blocking().release(after);
        }
    }

    @Test
    void aPausedNodeCostsAtMostTheNodeTimeout(RedisNodes nodes) {
        try (DistributedLocks locks = client(nodes)) {
            nodes.node(2).pause();
            Duration nodeTimeout = locks.settings().nodeTimeout();
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                Lease lease = locks.blocking().acquire(LockName.of("faults", "paused"), Duration.ofSeconds(5), Duration.ofSeconds(10));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                locks.blocking().release(lease);
                // bounded by the per-node timeout, not by how long the node stays paused
                assertThat(took).isLessThan(nodeTimeout.multipliedBy(2).plusMillis(500));
            }
            nodes.node(2).resume();
        }
    }

    @Test
    void fencingTokensRiseAcrossDifferentQuorums(RedisNodes nodes) {
        // Quorums {2,3,4}, then {0,1,2}, then {0,1,3}: a plain per-node INCR would hand out the same
        // maximum in the last two rounds; raising the counter on the quorum first keeps tokens rising.
        int[][] down = {{0, 1}, {3, 4}, {2, 4}, {0, 3}, {1, 2}};
        long previous = 0;
        for (int[] round : down) {
            for (int node : round) {
                nodes.node(node).kill();
            }
            try (DistributedLocks locks = client(nodes)) {
                Lease lease = locks.blocking().acquire(LockName.of("faults", "fence"), Duration.ofSeconds(5), Duration.ofSeconds(10));
                assertThat(lease.fencingToken()).as("token with nodes %s down", java.util.Arrays.toString(round)).isGreaterThan(previous);
                previous = lease.fencingToken();
                locks.blocking().release(lease);
            }
            nodes.healAll();
        }
    }

    private static String address(RedisNodes nodes, int index) {
        return "127.0.0.1:" + nodes.node(index).port();
    }

    private static void awaitProgress(AtomicInteger done, int target) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (done.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
