package io.safelock.lock.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.lock.config.LockSettings;
import io.safelock.testsupport.RedisNodes;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every request to a node carries a timeout, and a lock operation sends one request per node (ten for an
 * acquire and release on Redlock(5)). A timeout whose request was answered must cost nothing later: a
 * timer that still wakes a thread when its deadline passes, and hands a no-op to a worker pool, costs two
 * thread wake-ups per request, a third of a Redlock client's CPU (profiled). Counted here with Mutiny's
 * shared scheduler, which runs every expired timer, cancelled or not, on its worker pool.
 */
class RequestTimeoutCostTest {

    private static final Duration NODE_TIMEOUT = Duration.ofMillis(200);
    private static final int REQUESTS = 300;

    private static Vertx vertx;
    private static RedisNodes nodes;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        nodes = RedisNodes.startInMemory(1);
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
        if (vertx != null) {
            vertx.closeAndAwait();
        }
    }

    @Test
    void answeredRequestsLeaveNoTimerToRunLater() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (RedisNode node = node(reasons)) {
            ping(node); // connection open
            Thread.sleep(2 * NODE_TIMEOUT.toMillis()); // the first request's timer, if any, has run
            ThreadPoolExecutor mutinyTimers = (ThreadPoolExecutor) Infrastructure.getDefaultWorkerPool();
            long before = mutinyTimers.getCompletedTaskCount();

            for (int i = 0; i < REQUESTS; i++) {
                ping(node);
            }
            Thread.sleep(3 * NODE_TIMEOUT.toMillis()); // every deadline has passed

            long ranLater = mutinyTimers.getCompletedTaskCount() - before;
            assertThat(ranLater).as("timer tasks run after %d answered requests", REQUESTS).isLessThan(REQUESTS / 10);
            assertThat(reasons).as("no request failed").isEmpty();
        }
    }

    @Test
    void aStoppedNodeStillTimesOutOnTime() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (RedisNode node = node(reasons)) {
            ping(node);
            nodes.node(0).pause(); // SIGSTOP: the connection stays open, nothing answers
            try {
                long start = System.nanoTime();
                assertThatThrownBy(() -> ping(node)).hasMessageContaining("no answer within");
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(tookMs).as("failed after the node timeout, not the 20 s await").isLessThan(10_000);
            } finally {
                nodes.node(0).resume();
            }
            ping(node);
        }
    }

    private static RedisNode node(List<String> reasons) {
        LockSettings settings = LockSettings.builder(nodes.uris()).poolSize(2)
                .nodeTimeout(NODE_TIMEOUT).connectTimeout(Duration.ofSeconds(10)).build();
        return new RedisNode(vertx, settings.nodes().get(0), settings, (name, reason) -> reasons.add(reason));
    }

    private static void ping(RedisNode node) {
        node.send(Request.cmd(Command.PING)).await().atMost(Duration.ofSeconds(20));
    }
}
