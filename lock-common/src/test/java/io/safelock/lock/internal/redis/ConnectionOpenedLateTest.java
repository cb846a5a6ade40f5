package io.safelock.lock.internal.redis;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.safelock.lock.config.LockSettings;
import io.safelock.testsupport.RedisNodes;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A node that stalls while connections are being opened (a cold JVM, a busy machine): the opens time out,
 * then complete late. Those late connections hold pool slots; if they are kept, every later open waits
 * for the pool and the node looks down for good although it answers again.
 */
class ConnectionOpenedLateTest {

    @Test
    void aNodeAnswersAgainAfterItsConnectionsOpenedLate() {
        Vertx vertx = Vertx.vertx();
        try (RedisNodes nodes = RedisNodes.start(1)) {
            LockSettings settings = LockSettings.builder(nodes.uris()).poolSize(2)
                    .nodeTimeout(Duration.ofMillis(200)).connectTimeout(Duration.ofMillis(300)).build();
            RedisNode node = new RedisNode(vertx, settings.nodes().get(0), settings, (name, reason) -> { });

            nodes.node(0).pause();   // accepts TCP, answers nothing: every open times out
            for (int i = 0; i < 6; i++) {
                assertThrows(RuntimeException.class, () -> ping(node));
            }
            nodes.node(0).resume();  // the abandoned opens complete now

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            RuntimeException last = null;
            while (System.nanoTime() < deadline) {
                try {
                    ping(node);
                    return;
                } catch (RuntimeException e) {
                    last = e;
                }
            }
            fail("the node answers PING again but the client still cannot reach it: " + last);
        } finally {
            vertx.closeAndAwait();
        }
    }

    private static void ping(RedisNode node) {
        node.send(Request.cmd(Command.PING)).await().atMost(Duration.ofSeconds(5));
    }
}
