package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.lock.config.LockSettings;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A rolling change of {@code lock.redis.nodes} (3 → 5 nodes): old clients count a quorum of 2 among
 * nodes 0–2, new ones 3 among 0–4. Without a check, both can hold one lock at once. Clients whose node
 * list differs from the one the nodes were last used with must be refused, with an error that says so.
 */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(5)
class NodeSetChangeTest {

    static final Vertx vertx = LockTestSupport.vertx();

    @Test
    void aClientWithAnotherNodeListIsRefusedInsteadOfHoldingTheLockTwice(RedisNodes nodes) {
        String prefix = "nodeset-a:";
        try (DistributedLocks old = locks(nodes.uris().subList(0, 3), prefix)) {
            LockName name = LockName.of("nodeset", "split");
            // node 2 is down while the old client locks: it holds nodes 0 and 1, a quorum of its three
            nodes.node(2).kill();
            Lease oldLease = old.blocking().tryAcquire(name, Duration.ofSeconds(20));
            nodes.node(2).restart();
            try (DistributedLocks fresh = locks(nodes.uris(), prefix)) {
                // nodes 2, 3, 4 are free: a quorum of the new five-node list
                assertThatThrownBy(() -> fresh.blocking().tryAcquire(name, Duration.ofSeconds(20)))
                        .as("the new client must not get a lock the old one holds")
                        .isInstanceOf(LockException.class)
                        .hasMessageContaining("node set");
            } finally {
                old.blocking().release(oldLease);
            }
        }
    }

    @Test
    void underConcurrentLoadHoldsNeverOverlapAndRefusalsSaySo(RedisNodes nodes) throws Exception {
        String prefix = "nodeset-b:";
        LockName name = LockName.of("nodeset", "load");
        HoldHistory history = new HoldHistory();
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger refusals = new AtomicInteger();
        try (DistributedLocks old = locks(nodes.uris().subList(0, 3), prefix); DistributedLocks fresh = locks(nodes.uris(), prefix)) {
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                DistributedLocks client = i % 2 == 0 ? old : fresh;
                String holder = (i % 2 == 0 ? "old-" : "new-") + i;
                threads.add(Thread.ofPlatform().start(() -> {
                    while (System.nanoTime() < until) {
                        try {
                            Lease lease = client.blocking().acquire(name, Duration.ofSeconds(5), Duration.ofMillis(500));
                            long start = HoldHistory.nowMicros();
                            CancellationTest.sleep(2);
                            long end = HoldHistory.nowMicros();
                            history.add(new HoldHistory.Hold(lease.fencingToken(), start, end, holder));
                            client.blocking().release(lease);
                        } catch (LockWaitTimeoutException | LockBusyException contention) {
                            // fine: someone else held it
                        } catch (LockException refused) {
                            if (refused.getMessage().contains("node set")) {
                                refusals.incrementAndGet();
                                CancellationTest.sleep(5);
                            } else {
                                unexpected.add(refused.toString());
                            }
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        System.out.printf("node-set change under load: %d holds, %d refusals%n", history.size(), refusals.get());
        assertThat(history.violations()).as("overlapping holds or repeated fencing tokens").isEmpty();
        assertThat(unexpected).as("failures other than contention or a node-set refusal").isEmpty();
    }

    private static DistributedLocks locks(List<String> uris, String prefix) {
        LockSettings settings = LockTestSupport.settings(uris).keyPrefix(prefix).build();
        return LockTestSupport.ready(DistributedLocks.create(vertx, settings, null));
    }
}
