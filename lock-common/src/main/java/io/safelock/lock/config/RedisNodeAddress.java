package io.safelock.lock.config;

import java.net.URI;
import java.net.URISyntaxException;

/** One Redis node from {@code lock.redis.nodes}: {@code redis://[:password@]host[:port][/db]} or {@code rediss://…}. */
public record RedisNodeAddress(String uri, String host, int port) {

    public static RedisNodeAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("lock.redis.nodes has an empty entry");
        }
        String trimmed = text.trim();
        if (!trimmed.startsWith("redis://") && !trimmed.startsWith("rediss://")) {
            throw new IllegalArgumentException("lock.redis.nodes entry '" + trimmed
                    + "' must start with redis:// or rediss:// (e.g. redis://127.0.0.1:6379)");
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("lock.redis.nodes entry '" + trimmed + "' is not a URI: " + e.getMessage());
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("lock.redis.nodes entry '" + trimmed + "' has no host (e.g. redis://127.0.0.1:6379)");
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("lock.redis.nodes entry '" + trimmed + "' has port " + port + " out of range");
        }
        return new RedisNodeAddress(trimmed, uri.getHost(), port);
    }

    /** {@code rediss://}: the connection is TLS, trusted as {@code lock.redis.tls.*} says. */
    public boolean tls() {
        return uri.startsWith("rediss://");
    }

    /** host:port, safe to log and to tag metrics with (no password). */
    public String display() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return display();
    }
}
