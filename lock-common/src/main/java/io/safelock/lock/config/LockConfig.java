package io.safelock.lock.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything under {@code lock.*} in application.properties (env: {@code LOCK_REDIS_NODES}, …).
 * One node means single-instance locks; 3, 5, 7 … nodes mean Redlock with a majority quorum.
 */
@ConfigMapping(prefix = "lock")
public interface LockConfig {

    Redis redis();

    /** Lease time-to-live when the caller gives none. */
    @WithDefault(LockSettings.DEFAULT_LEASE_TTL)
    Duration leaseTtl();

    /** How long {@code acquire} waits for a busy lock when the caller gives no limit. */
    @WithDefault(LockSettings.DEFAULT_WAIT_TIMEOUT)
    Duration waitTimeout();

    /** Allowance for clock drift between nodes, as a fraction of the TTL (Redlock validity = ttl − elapsed − drift·ttl − 2 ms). */
    @WithDefault(LockSettings.DEFAULT_CLOCK_DRIFT_FACTOR)
    double clockDriftFactor();

    /** {@code withLock} extends the lease after this fraction of its TTL has passed. */
    @WithDefault(LockSettings.DEFAULT_RENEW_FRACTION)
    double renewFraction();

    /** Prefix of every key the locks write. */
    @WithDefault(LockSettings.DEFAULT_KEY_PREFIX)
    String keyPrefix();

    Retry retry();

    Fair fair();

    Admin admin();

    /** The admin endpoint GET /locks (an admin route: protect /locks/* like other admin paths). */
    interface Admin {
        /** Serve GET /locks and GET /locks/{group}/{id}; off unless the service turns it on. */
        @WithDefault("false")
        boolean enabled();

        /** The lock groups this service owns: only these are listed and inspected. */
        @WithDefault("product,counter")
        List<String> groups();
    }

    /**
     * A hold of this process older than this is logged as a warning once, while it still holds (0 = never);
     * {@code lock_oldest_hold_seconds} shows the same age to alerts.
     */
    @WithDefault("30s")
    Duration holdWarning();

    /** Fair locks ({@code io.safelock.lock.primitives.FairLocks}). */
    interface Fair {
        /** A waiter that stopped renewing its heartbeat (died) loses its place in the queue after this. */
        @WithDefault("1s")
        Duration waiterHeartbeat();
    }

    interface Redis {
        /** Comma-separated node URIs, e.g. {@code redis://10.0.0.1:6379,redis://10.0.0.2:6379,…}. */
        @WithDefault(LockSettings.DEFAULT_NODES)
        List<String> nodes();

        /** Password for every node (a URI may also carry its own). */
        Optional<String> password();

        /** Per-node, per-request timeout: a slow or paused node is treated as failed after this. */
        @WithDefault(LockSettings.DEFAULT_NODE_TIMEOUT)
        Duration nodeTimeout();

        /** Bound on opening a connection to a node (TCP, HELLO, AUTH), separate from the per-request timeout. */
        @WithDefault(LockSettings.DEFAULT_CONNECT_TIMEOUT)
        Duration connectTimeout();

        /** Long-lived connections per node; requests are pipelined over them. */
        @WithDefault(LockSettings.DEFAULT_POOL_SIZE)
        int poolSize();

        Tls tls();
    }

    /** Trust for {@code rediss://} nodes (see {@link RedisTls}); {@code redis://} nodes ignore it. */
    interface Tls {
        /** CA certificates (PEM, or .p12/.pfx/.jks); none = the JVM's default trust. */
        Optional<String> trustStore();

        /** Password of a PKCS12/JKS trust store. */
        Optional<String> trustStorePassword();

        /** Check that each node's certificate names the host of its URI. */
        @WithDefault("true")
        boolean verifyHost();
    }

    interface Retry {
        /** First backoff between attempts on a busy lock; it doubles up to max-backoff, with full jitter. */
        @WithDefault(LockSettings.DEFAULT_INITIAL_BACKOFF)
        Duration initialBackoff();

        /** Longest pause between attempts (a release notification wakes waiters earlier). */
        @WithDefault(LockSettings.DEFAULT_MAX_BACKOFF)
        Duration maxBackoff();

        /** After this many failed attempts a waiter reserves the next turn, so nobody starves (0 = never). */
        @WithDefault(LockSettings.DEFAULT_RESERVE_AFTER_ATTEMPTS)
        int reserveAfterAttempts();
    }

    default LockSettings toSettings() {
        return new LockSettings(redis().nodes().stream().map(RedisNodeAddress::parse).toList(), redis().password(),
                redis().nodeTimeout(), redis().connectTimeout(), redis().poolSize(), leaseTtl(), waitTimeout(), retry().initialBackoff(),
                retry().maxBackoff(), retry().reserveAfterAttempts(), clockDriftFactor(), renewFraction(), keyPrefix(),
                new RedisTls(redis().tls().trustStore().map(java.nio.file.Path::of), redis().tls().trustStorePassword(),
                        redis().tls().verifyHost()));
    }
}
