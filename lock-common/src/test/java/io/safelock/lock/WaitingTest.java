package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.lock.config.LockSettings;
import io.safelock.lock.internal.redis.RedisNode;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Waiting for a held lock: reservations against starvation, and wake-ups by releases. */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(3)
class WaitingTest {

    static final Vertx vertx = LockTestSupport.vertx();

    @Test
    void aReservationSurvivesBusyAttemptsWhileAMinorityNodeIsDown(RedisNodes nodes) {
        LockSettings settings = LockTestSupport.settings(nodes).build();
        List<RedisNode> clients = settings.nodes().stream()
                .map(address -> new RedisNode(vertx, address, settings, (node, reason) -> { })).toList();
        Redlock redlock = new Redlock(clients, settings);
        try (NodeAdmin admin = new NodeAdmin(nodes.node(0).uri())) {
            nodes.node(2).kill(); // tolerated: 2 of 3 still make a quorum
            LockName name = LockName.of("wait", "reservation");
            Duration ttl = Duration.ofSeconds(5);
            assertThat(redlock.attempt(name, "holder-1", "holder", ttl, false, LockOwner.thisProcess("")).await().indefinitely())
                    .isInstanceOf(Redlock.Attempt.Granted.class);
            assertThat(redlock.attempt(name, "waiter-1", "waiter", ttl, true, LockOwner.thisProcess("")).await().indefinitely())
                    .isInstanceOf(Redlock.Attempt.Busy.class);
            assertThat(admin.get("lock:{wait:reservation}:next")).as("the waiter's reservation after its busy attempt").isEqualTo("waiter");

            redlock.release(name, "holder-1", "holder").await().indefinitely();
            assertThat(redlock.attempt(name, "other-1", "other", ttl, false, LockOwner.thisProcess("")).await().indefinitely())
                    .as("someone else, while the turn is reserved").isInstanceOf(Redlock.Attempt.Busy.class);
            assertThat(redlock.attempt(name, "waiter-2", "waiter", ttl, true, LockOwner.thisProcess("")).await().indefinitely())
                    .as("the waiter that reserved").isInstanceOf(Redlock.Attempt.Granted.class);
            redlock.release(name, "waiter-2", "waiter").await().indefinitely();
        } finally {
            clients.forEach(RedisNode::close);
        }
    }

    @Test
    void releasesOfOtherLocksDoNotCutAWaitersBackoffShort(RedisNodes nodes) throws Exception {
        try (DistributedLocks holder = LockTestSupport.locks(vertx, nodes);
             DistributedLocks waiter = LockTestSupport.locks(vertx, nodes);
             NodeAdmin admin = new NodeAdmin(nodes.node(0).uri())) {
            LockName hot = LockName.of("wait", "hot");
            Lease held = holder.blocking().tryAcquire(hot, Duration.ofSeconds(30));
            AtomicBoolean publishing = new AtomicBoolean(true);
            AtomicInteger published = new AtomicInteger();
            List<Thread> spam = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String node = nodes.node(i % 2).uri();
                spam.add(Thread.ofPlatform().start(() -> {
                    // releases of many other lock names, as a busy service would announce them
                    try (NodeAdmin publisher = new NodeAdmin(node)) {
                        while (publishing.get()) {
                            publisher.call("PUBLISH", "lock:released", "wait:other-" + published.incrementAndGet());
                        }
                    }
                }));
            }
            try {
                assertThatThrownBy(() -> waiter.blocking().acquire(hot, Duration.ofSeconds(5), Duration.ofSeconds(1)))
                        .isInstanceOfSatisfying(LockWaitTimeoutException.class, timeout -> {
                            System.out.printf("waiter made %d attempts in 1 s while %d releases of other names were announced%n",
                                    timeout.attempts(), published.get());
                            assertThat(timeout.attempts()).as("attempts on the held lock within 1 s").isLessThanOrEqualTo(60);
                        });
            } finally {
                publishing.set(false);
                for (Thread publisher : spam) {
                    publisher.join();
                }
                holder.blocking().release(held);
            }
        }
    }
}
