package io.safelock.lock.tls;

import io.safelock.lock.DistributedLocks;
import io.safelock.lock.Lease;
import io.safelock.lock.LockName;
import io.safelock.lock.config.LockSettings;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.Map;

/**
 * A separate JVM for {@link TlsNodesTest}: locks on one {@code rediss://} node with no trust store in the
 * lock settings, so that only the JVM's default trust ({@code -Djavax.net.ssl.trustStore=…}) can make the
 * handshake succeed. Prints the fencing token and how long the node took to answer a cold JVM (connection
 * and handshake included); exits 1 with the error otherwise. An untrusted certificate fails every handshake
 * at once, so waiting for the node to answer cannot turn a trust failure into a pass.
 * Args: nodeUri
 */
public final class DefaultTrustMain {

    public static void main(String[] args) {
        Vertx vertx = Vertx.vertx();
        int exitCode = 0;
        try (DistributedLocks locks = DistributedLocks.create(vertx, LockSettings.builder(args[0])
                .nodeTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(5)).build(), null)) {
            // A cold JVM's first handshake can outlast the connect timeout on a loaded machine; the next request
            // opens the connection again. Wait for the node as a readiness check would, then lock.
            long start = System.nanoTime();
            long deadline = start + Duration.ofSeconds(60).toNanos();
            Map<String, String> nodes = locks.nodeStatus().await().atMost(Duration.ofSeconds(30));
            while (!nodes.values().stream().allMatch("up"::equals) && System.nanoTime() < deadline) {
                System.out.println("not yet: " + nodes);
                Thread.sleep(100);
                nodes = locks.nodeStatus().await().atMost(Duration.ofSeconds(30));
            }
            long upMs = (System.nanoTime() - start) / 1_000_000;
            Lease lease = locks.blocking().tryAcquire(LockName.of("tls", "default-trust"), Duration.ofSeconds(5));
            System.out.println("fencing-token=" + lease.fencingToken() + " node-up-ms=" + upMs);
            locks.blocking().release(lease);
        } catch (RuntimeException | InterruptedException e) {
            System.out.println("failed: " + e);
            exitCode = 1;
        } finally {
            vertx.closeAndAwait();
        }
        System.exit(exitCode);
    }
}
