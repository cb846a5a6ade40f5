package io.safelock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * N independent {@code redis-server} processes on free loopback ports. Closing stops every process it
 * started (by PID) and deletes their directories; a JVM shutdown hook does the same if a test run dies.
 */
public final class RedisNodes implements AutoCloseable {

    private static final int START_TRIES = 5;

    private final List<RedisServer> servers;
    private final Path root;
    private final Thread shutdownHook;

    private RedisNodes(List<RedisServer> servers, Path root) {
        this.servers = servers;
        this.root = root;
        this.shutdownHook = new Thread(this::stopAll, "redis-nodes-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static RedisNodes start(int count) {
        return start(count, null);
    }

    /** Starts {@code count} nodes, each requiring {@code password} when it is not null. */
    public static RedisNodes start(int count, String password) {
        return start(count, password, true);
    }

    /**
     * Nodes that keep nothing on disk: for benchmarks that should measure clients, not the disk's fsync
     * latency. A restart loses their data, so fault tests use {@link #start(int)}.
     */
    public static RedisNodes startInMemory(int count) {
        return start(count, null, false, null);
    }

    /**
     * Nodes that speak TLS only ({@code rediss://} URIs, no plain-text port), with the given certificate;
     * durable like {@link #start(int)}. See {@link TlsMaterial} for a CA and certificates made at test time.
     */
    public static RedisNodes startTls(int count, RedisServer.Tls tls) {
        return start(count, null, true, java.util.Objects.requireNonNull(tls, "tls"));
    }

    private static RedisNodes start(int count, String password, boolean durable) {
        return start(count, password, durable, null);
    }

    private static RedisNodes start(int count, String password, boolean durable, RedisServer.Tls tls) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1");
        }
        Path root;
        try {
            root = Files.createTempDirectory("redis-nodes-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<RedisServer> servers = new ArrayList<>();
        RedisNodes nodes = new RedisNodes(servers, root);
        try {
            for (int i = 0; i < count; i++) {
                servers.add(startOne(root.resolve("node-" + i), password, durable, tls));
            }
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
        return nodes;
    }

    private static RedisServer startOne(Path dir, String password, boolean durable, RedisServer.Tls tls) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < START_TRIES; attempt++) {
            try {
                Files.createDirectories(dir);
                RedisServer server = new RedisServer(FreePorts.one(), dir, password, durable, tls);
                server.start();
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (IllegalStateException e) {
                last = e; // most likely the port was taken between probing and binding
            }
        }
        throw last;
    }


    public int size() {
        return servers.size();
    }

    public RedisServer node(int index) {
        return servers.get(index);
    }

    public List<RedisServer> all() {
        return List.copyOf(servers);
    }

    public List<String> uris() {
        return servers.stream().map(RedisServer::uri).toList();
    }

    /** The value for {@code lock.redis.nodes}. */
    public String nodesProperty() {
        return String.join(",", uris());
    }

    /** Starts every node that was killed and resumes every paused one. */
    public void healAll() {
        for (RedisServer server : servers) {
            if (server.isPaused()) {
                server.resume();
            } else if (!server.isRunning()) {
                server.start();
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void stopAll() {
        servers.forEach(RedisServer::close);
        try (Stream<Path> files = Files.exists(root) ? Files.walk(root) : Stream.empty()) {
            for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // temp files; the OS cleans them eventually
        }
    }
}
