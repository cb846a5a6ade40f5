package io.safelock.lock.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.lock.config.LockSettings;
import io.safelock.testsupport.RedisNodes;
import io.vertx.core.VertxOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request that times out is the node's fault only if the node did not answer. When this process's own
 * event loop (the one that reads the node's answers) is blocked, the answer sits unread and the timeout
 * says nothing about the node: it is counted as {@code client_stall} and the node is not marked down.
 * A node that really stops answering (SIGSTOP) is counted as {@code timeout} and marked down.
 * <p>
 * One event loop, so the blocked loop is certainly the one that owns the node's connection. The faults are
 * injected (a latch holds the loop; SIGSTOP holds the node), and the loop is released only after the
 * request has already failed, so nothing depends on how fast the machine is.
 */
class ClientStallTest {

    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);
    /** Well past RedisNode's stall threshold (half the node timeout) after the timeout has fired. */
    private static final long HOLD_AFTER_TIMEOUT_MS = 3 * NODE_TIMEOUT.toMillis() / 2;

    private static Vertx vertx;
    private static RedisNodes nodes;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        nodes = RedisNodes.start(1);
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
    void aTimeoutWhileOurEventLoopIsBlockedIsAClientStallAndTheNodeStaysUp() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (RedisNode node = node(reasons)) {
            ping(node); // connection open, node answered once

            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            vertx.runOnContext(() -> {
                blocked.countDown();
                awaitUninterruptibly(release); // the only event loop: the node's answers cannot be read
            });
            assertThat(blocked.await(10, TimeUnit.SECONDS)).as("event loop blocked").isTrue();
            try {
                CompletableFuture<Response> request = node.send(Request.cmd(Command.PING)).subscribeAsCompletionStage();
                assertThatThrownBy(() -> request.get(30, TimeUnit.SECONDS)).hasMessageContaining("no answer within");
                Thread.sleep(HOLD_AFTER_TIMEOUT_MS);
            } finally {
                release.countDown();
            }

            awaitReasons(reasons, 1);
            assertThat(reasons).containsExactly("client_stall");
            assertThat(node.isDown()).as("node marked down for our own stall").isFalse();
            ping(node);
            assertThat(reasons).as("no further errors once the loop runs again").containsExactly("client_stall");
        }
    }

    @Test
    void aTimeoutOfAStoppedNodeIsATimeoutAndTheNodeIsMarkedDown() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (RedisNode node = node(reasons)) {
            ping(node);

            nodes.node(0).pause(); // SIGSTOP: the connection stays open, nothing answers
            try {
                CompletableFuture<Response> request = node.send(Request.cmd(Command.PING)).subscribeAsCompletionStage();
                assertThatThrownBy(() -> request.get(30, TimeUnit.SECONDS)).hasMessageContaining("no answer within");
                awaitReasons(reasons, 1);
                assertThat(reasons).containsExactly("timeout");
                assertThat(node.isDown()).as("a node that stopped answering is marked down").isTrue();
            } finally {
                nodes.node(0).resume();
            }
            ping(node);
            assertThat(node.isDown()).as("answering again").isFalse();
        }
    }

    private static RedisNode node(List<String> reasons) {
        LockSettings settings = LockSettings.builder(nodes.uris()).poolSize(1)
                .nodeTimeout(NODE_TIMEOUT).connectTimeout(Duration.ofSeconds(10)).build();
        return new RedisNode(vertx, settings.nodes().get(0), settings, (name, reason) -> reasons.add(reason));
    }

    private static void ping(RedisNode node) {
        node.send(Request.cmd(Command.PING)).await().atMost(Duration.ofSeconds(20));
    }

    /** The classification may run on the event loop after the request failed: wait for it (bounded). */
    private static void awaitReasons(List<String> reasons, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (reasons.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
