package io.safelock.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway RabbitMQ broker: its own {@code rabbitmq-server} node (own node name, AMQP and
 * distribution ports on loopback, data directory) that a test can stop, kill and start again without
 * touching the shared broker on 5672. Data survives a restart (same directory), so durable queues and
 * persistent messages can be checked across it. Every process is stopped by PID.
 */
public final class RabbitMqServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
    private static final List<String> CANDIDATES = List.of(
            "/usr/lib/rabbitmq/bin/rabbitmq-server", "/usr/local/sbin/rabbitmq-server", "/opt/rabbitmq/sbin/rabbitmq-server");

    private final Path dir;
    private final int port;
    private final int distPort;
    private final String nodeName;
    private final Thread shutdownHook;
    private Process process;

    private RabbitMqServer(Path dir, int port, int distPort) {
        this.dir = dir;
        this.port = port;
        this.distPort = distPort;
        this.nodeName = "safelock-test-" + port + "@localhost";
        this.shutdownHook = new Thread(this::killQuietly, "rabbitmq-cleanup-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker on free loopback ports and waits until it speaks AMQP (guest/guest, vhost /). */
    public static RabbitMqServer start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("rabbitmq-");
            Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
            Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RabbitMqServer server = new RabbitMqServer(dir, FreePorts.one(), FreePorts.one());
        try {
            server.startProcess();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public int port() {
        return port;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the node again after {@link #stop()} or {@link #kill()}, with the same data. */
    public synchronized void restart() {
        if (!isRunning()) {
            startProcess();
        }
    }

    /** SIGTERM to the Erlang VM: the broker shuts down cleanly, as in a rolling restart. */
    public synchronized void stop() {
        signalTree(false);
    }

    /** SIGKILL to the whole process tree: the broker dies as in a crash. */
    public synchronized void kill() {
        signalTree(true);
    }

    @Override
    public synchronized void close() {
        killQuietly();
        try (Stream<Path> files = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // temp files; the OS cleans them eventually
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    /** The broker's own log, for failure messages. */
    public String log() {
        try (Stream<Path> logs = Files.exists(dir.resolve("log")) ? Files.list(dir.resolve("log")) : Stream.empty()) {
            StringBuilder out = new StringBuilder();
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                String text = Files.readString(log);
                out.append("== ").append(log.getFileName()).append('\n')
                        .append(text.length() > 4000 ? text.substring(text.length() - 4000) : text);
            }
            Path stdout = dir.resolve("stdout.log");
            if (Files.exists(stdout)) {
                out.append("== stdout\n").append(Files.readString(stdout));
            }
            return out.toString();
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private void startProcess() {
        ProcessBuilder builder = new ProcessBuilder(binary()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()));
        Map<String, String> env = builder.environment();
        env.put("HOME", dir.toString()); // its own Erlang cookie
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString()); // not the system node's settings
        env.put("RABBITMQ_NODENAME", nodeName);
        env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_PLUGINS_EXPAND_DIR", dir.resolve("plugins-expand").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
        env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not start rabbitmq-server", e);
        }
        awaitAmqp();
    }

    private void awaitAmqp() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("rabbitmq-server on port " + port + " exited at start:\n" + log());
            }
            if (speaksAmqp()) {
                return;
            }
            sleep(100);
        }
        killQuietly();
        throw new IllegalStateException("rabbitmq-server on port " + port + " not ready within " + START_TIMEOUT + ":\n" + log());
    }

    /** Sends the AMQP 0-9-1 header and expects a method frame (Connection.Start) back. */
    private boolean speaksAmqp() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(AMQP_HEADER);
            out.flush();
            InputStream in = socket.getInputStream();
            return in.read() == 1;
        } catch (IOException notYet) {
            return false;
        }
    }

    private void signalTree(boolean force) {
        if (process == null) {
            return;
        }
        // rabbitmq-server is a shell script running the Erlang VM as its child: signal the VM itself
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        for (ProcessHandle handle : tree) {
            if (force) {
                handle.destroyForcibly();
            } else if (handle.info().command().map(c -> c.contains("beam")).orElse(false)) {
                handle.destroy();
            }
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle handle : tree) {
                handle.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception ignored) {
            // already gone
        }
    }

    private void killQuietly() {
        try {
            kill();
        } catch (RuntimeException ignored) {
            // best effort at shutdown
        }
    }

    private static String binary() {
        String explicit = System.getenv("RABBITMQ_SERVER");
        if (explicit != null && Files.isExecutable(Path.of(explicit))) {
            return explicit;
        }
        for (String candidate : CANDIDATES) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("""
                rabbitmq-server not found. This test starts its own RabbitMQ node.
                Install it (Debian/Ubuntu: sudo apt-get install -y rabbitmq-server) or run ./scripts/test.sh,
                which installs it when run as root, or point RABBITMQ_SERVER at the rabbitmq-server script
                (the one in /usr/lib/rabbitmq/bin, not the /usr/sbin wrapper that switches user).""");
    }


    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "RabbitMqServer[" + nodeName + ", amqp 127.0.0.1:" + port + "]";
    }
}
