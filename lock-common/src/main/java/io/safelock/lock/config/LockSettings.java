package io.safelock.lock.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Validated lock settings. Built from {@link LockConfig} in a Quarkus application, or with
 * {@link #builder(List)} in plain Java. Defaults are the constants below; {@link LockConfig} uses the same.
 */
public record LockSettings(
        List<RedisNodeAddress> nodes,
        Optional<String> password,
        Duration nodeTimeout,
        Duration connectTimeout,
        int poolSize,
        Duration leaseTtl,
        Duration waitTimeout,
        Duration initialBackoff,
        Duration maxBackoff,
        int reserveAfterAttempts,
        double clockDriftFactor,
        double renewFraction,
        String keyPrefix,
        RedisTls tls) {

    public static final String DEFAULT_NODES = "redis://127.0.0.1:6379";
    public static final String DEFAULT_NODE_TIMEOUT = "100ms";
    public static final String DEFAULT_CONNECT_TIMEOUT = "1s";
    public static final String DEFAULT_POOL_SIZE = "4";
    public static final String DEFAULT_LEASE_TTL = "10s";
    public static final String DEFAULT_WAIT_TIMEOUT = "5s";
    public static final String DEFAULT_INITIAL_BACKOFF = "2ms";
    public static final String DEFAULT_MAX_BACKOFF = "100ms";
    public static final String DEFAULT_RESERVE_AFTER_ATTEMPTS = "3";
    public static final String DEFAULT_CLOCK_DRIFT_FACTOR = "0.01";
    public static final String DEFAULT_RENEW_FRACTION = "0.33";
    public static final String DEFAULT_KEY_PREFIX = "lock:";

    public LockSettings {
        Objects.requireNonNull(nodes, "nodes");
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("lock.redis.nodes is empty: give one node, or an odd number (3, 5, 7) for Redlock");
        }
        if (nodes.size() % 2 == 0) {
            throw new IllegalArgumentException("lock.redis.nodes has " + nodes.size() + " nodes; Redlock needs an odd number"
                    + " (3, 5, 7 …) so that a majority is well defined, or exactly one for single-instance mode: " + nodes);
        }
        if (nodes.stream().map(RedisNodeAddress::display).distinct().count() != nodes.size()) {
            throw new IllegalArgumentException("lock.redis.nodes lists a node twice: " + nodes);
        }
        password = password == null ? Optional.empty() : password.filter(p -> !p.isEmpty());
        requirePositive(nodeTimeout, "lock.redis.node-timeout");
        if (nodeTimeout.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("lock.redis.node-timeout must be at least 1ms but was " + nodeTimeout);
        }
        requirePositive(leaseTtl, "lock.lease-ttl");
        requireNotNegative(waitTimeout, "lock.wait-timeout");
        requirePositive(initialBackoff, "lock.retry.initial-backoff");
        requirePositive(maxBackoff, "lock.retry.max-backoff");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("lock.retry.max-backoff (" + maxBackoff + ") is below lock.retry.initial-backoff (" + initialBackoff + ")");
        }
        requirePositive(connectTimeout, "lock.redis.connect-timeout");
        if (poolSize < 1) {
            throw new IllegalArgumentException("lock.redis.pool-size must be >= 1 but was " + poolSize);
        }
        if (reserveAfterAttempts < 0) {
            throw new IllegalArgumentException("lock.retry.reserve-after-attempts must be >= 0 (0 = never reserve) but was " + reserveAfterAttempts);
        }
        if (!(clockDriftFactor >= 0 && clockDriftFactor < 0.5)) {
            throw new IllegalArgumentException("lock.clock-drift-factor must be in [0, 0.5) but was " + clockDriftFactor);
        }
        if (!(renewFraction > 0 && renewFraction < 1)) {
            throw new IllegalArgumentException("lock.renew-fraction must be in (0, 1) but was " + renewFraction);
        }
        Objects.requireNonNull(keyPrefix, "lock.key-prefix");
        tls = tls == null ? RedisTls.DEFAULT : tls;
    }

    public static Builder builder(List<String> nodeUris) {
        return new Builder(nodeUris);
    }

    public static Builder builder(String... nodeUris) {
        return new Builder(List.of(nodeUris));
    }

    /**
     * The identity of this list of nodes, as the nodes remember it: the sorted host:port of every node.
     * Clients whose lists differ (a rolling change of the node count) must not lock through the same nodes.
     */
    public String nodeSetId() {
        return nodes.stream().map(RedisNodeAddress::display).sorted().collect(java.util.stream.Collectors.joining(","));
    }

    /** Majority of the nodes: 1 for a single node, 3 of 5. */
    public int quorum() {
        return nodes.size() / 2 + 1;
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive but was " + value);
        }
    }

    private static void requireNotNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative but was " + value);
        }
    }

    /** Plain-Java construction with the documented defaults. */
    public static final class Builder {
        private final List<String> nodeUris;
        private String password;
        private Duration nodeTimeout = duration(DEFAULT_NODE_TIMEOUT);
        private Duration connectTimeout = duration(DEFAULT_CONNECT_TIMEOUT);
        private int poolSize = Integer.parseInt(DEFAULT_POOL_SIZE);
        private Duration leaseTtl = duration(DEFAULT_LEASE_TTL);
        private Duration waitTimeout = duration(DEFAULT_WAIT_TIMEOUT);
        private Duration initialBackoff = duration(DEFAULT_INITIAL_BACKOFF);
        private Duration maxBackoff = duration(DEFAULT_MAX_BACKOFF);
        private int reserveAfterAttempts = Integer.parseInt(DEFAULT_RESERVE_AFTER_ATTEMPTS);
        private double clockDriftFactor = Double.parseDouble(DEFAULT_CLOCK_DRIFT_FACTOR);
        private double renewFraction = Double.parseDouble(DEFAULT_RENEW_FRACTION);
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private RedisTls tls = RedisTls.DEFAULT;

        private Builder(List<String> nodeUris) {
            this.nodeUris = List.copyOf(nodeUris);
        }

        public Builder password(String value) { this.password = value; return this; }
        public Builder nodeTimeout(Duration value) { this.nodeTimeout = value; return this; }
        public Builder connectTimeout(Duration value) { this.connectTimeout = value; return this; }
        public Builder poolSize(int value) { this.poolSize = value; return this; }
        public Builder leaseTtl(Duration value) { this.leaseTtl = value; return this; }
        public Builder waitTimeout(Duration value) { this.waitTimeout = value; return this; }
        public Builder initialBackoff(Duration value) { this.initialBackoff = value; return this; }
        public Builder maxBackoff(Duration value) { this.maxBackoff = value; return this; }
        public Builder reserveAfterAttempts(int value) { this.reserveAfterAttempts = value; return this; }
        public Builder clockDriftFactor(double value) { this.clockDriftFactor = value; return this; }
        public Builder renewFraction(double value) { this.renewFraction = value; return this; }
        public Builder keyPrefix(String value) { this.keyPrefix = value; return this; }
        /** Trust for {@code rediss://} nodes; without it the JVM's default trust applies. */
        public Builder tls(RedisTls value) { this.tls = value; return this; }

        public LockSettings build() {
            return new LockSettings(nodeUris.stream().map(RedisNodeAddress::parse).toList(), Optional.ofNullable(password),
                    nodeTimeout, connectTimeout, poolSize, leaseTtl, waitTimeout, initialBackoff, maxBackoff, reserveAfterAttempts,
                    clockDriftFactor, renewFraction, keyPrefix, tls);
        }

        /** Parses "100ms", "10s", "2m" the way Quarkus configuration does for simple values. */
        static Duration duration(String text) {
            String t = text.trim().toLowerCase(java.util.Locale.ROOT);
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.parse(text);
        }
    }
}
