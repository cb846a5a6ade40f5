package io.safelock.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.lock.config.LockSettings;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Nodes that answer late or never: what callers wait for, and how it is reported. */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(2)
class SlowNodesTest {

    static final Vertx vertx = LockTestSupport.vertx();

    @Test
    void aQuorumDoesNotWaitForANodeThatNeverAnswered(RedisNodes nodes) throws Exception {
        try (Blackhole blackhole = new Blackhole()) {
            List<String> uris = List.of(nodes.node(0).uri(), nodes.node(1).uri(), blackhole.uri());
            LockSettings settings = LockTestSupport.settings(uris)
                    .connectTimeout(Duration.ofSeconds(3)).nodeTimeout(Duration.ofMillis(200)).keyPrefix("slow-a:").build();
            try (DistributedLocks locks = DistributedLocks.create(vertx, settings, null)) {
                LockName name = LockName.of("slow", "never-answered");
                locks.blocking().release(locks.blocking().acquire(name, Duration.ofSeconds(10), Duration.ofSeconds(10)));
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    Lease lease = locks.blocking().acquire(name, Duration.ofSeconds(10), Duration.ofSeconds(10));
                    locks.blocking().release(lease);
                    long tookMs = (System.nanoTime() - start) / 1_000_000;
                    assertThat(tookMs).as("acquire + release with 2 of 3 nodes answering (connect timeout 3 s)").isLessThan(1_500);
                }
            }
        }
    }

    @Test
    void aGrantThatOutlivedItsLeaseIsNotReportedAsAnOutage(RedisNodes nodes) {
        LockSettings settings = LockTestSupport.settings(List.of(nodes.node(0).uri())).nodeTimeout(Duration.ofSeconds(1)).keyPrefix("slow-b:").build();
        try (DistributedLocks locks = LockTestSupport.ready(DistributedLocks.create(vertx, settings, null));
             NodeAdmin admin = new NodeAdmin(nodes.node(0).uri())) {
            LockName name = LockName.of("slow", "validity");
            admin.pause(150, "WRITE"); // the node is up, but grants the 50 ms lease only after 150 ms
            assertThatThrownBy(() -> locks.blocking().tryAcquire(name, Duration.ofMillis(50)))
                    .isInstanceOf(LockBusyException.class)
                    .isNotInstanceOf(QuorumUnavailableException.class)
                    .hasMessageContaining("longer than");
        }
    }

    /** Accepts TCP connections and never answers: a node that hangs before its first reply. */
    static final class Blackhole implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor;

        Blackhole() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        synchronized (accepted) {
                            accepted.add(socket);
                        }
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        String uri() {
            return "redis://127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (accepted) {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }
}
