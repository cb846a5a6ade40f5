package io.safelock.lock.tls;

import io.safelock.lock.DistributedLocks;
import io.safelock.lock.Lease;
import io.safelock.lock.LockName;
import io.safelock.lock.config.LockSettings;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;

/**
 * A separate JVM for {@link TlsNodesTest}: locks on one {@code rediss://} node with no trust store in the
 * lock settings, so that only the JVM's default trust ({@code -Djavax.net.ssl.trustStore=…}) can make the
 * handshake succeed. Prints the fencing token and how long the first grant took (connection and handshake
 * in a cold JVM included); exits 1 with the error otherwise.
 * Args: nodeUri
 */
public final class DefaultTrustMain {

    public static void main(String[] args) {
        Vertx vertx = Vertx.vertx();
        int status = 0;
        try (DistributedLocks locks = DistributedLocks.create(vertx, LockSettings.builder(args[0])
                .nodeTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(5)).build(), null)) {
            long start = System.nanoTime();
            Lease lease = locks.blocking().tryAcquire(LockName.of("tls", "default-trust"), Duration.ofSeconds(5));
            System.out.println("fencing-token=" + lease.fencingToken() + " first-grant-ms=" + (System.nanoTime() - start) / 1_000_000);
            locks.blocking().release(lease);
        } catch (RuntimeException e) {
            System.out.println("failed: " + e);
            status = 1;
        } finally {
            vertx.closeAndAwait();
        }
        System.exit(status);
    }
}
