package io.safelock.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code redis-server} process on a loopback port, in its own directory, that a test can
 * kill, pause, resume and restart. Data survives a restart (AOF with fsync on every write), as the
 * fencing-token argument requires of production nodes, unless started in memory only.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final Path dir;
    private final String password;
    private final boolean durable;
    private final Tls tls;
    private Process process;
    private boolean paused;

    /** Certificate, key and CA in PEM for a node that accepts TLS only (no client certificates asked). */
    public record Tls(Path certificate, Path key, Path ca) {
    }

    RedisServer(int port, Path dir, String password, boolean durable, Tls tls) {
        this.port = port;
        this.dir = dir;
        this.password = password;
        this.durable = durable;
        this.tls = tls;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port}, or {@code rediss://…} for a TLS node. */
    public String uri() {
        return (tls == null ? "redis://" : "rediss://") + "127.0.0.1:" + port;
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized boolean isPaused() {
        return paused;
    }

    /** Starts the process and waits until it answers PING. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        List<String> command = new java.util.ArrayList<>(List.of(RedisBinary.path()));
        if (tls == null) {
            command.addAll(List.of("--port", Integer.toString(port)));
        } else {
            // no plain-text port at all: a client that does not speak TLS gets nothing
            command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port),
                    "--tls-cert-file", tls.certificate().toString(), "--tls-key-file", tls.key().toString(),
                    "--tls-ca-cert-file", tls.ca().toString(), "--tls-auth-clients", "no"));
        }
        command.addAll(List.of("--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", durable ? "yes" : "no", "--appendfsync", "always",
                "--save", "", "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString(),
                "--protected-mode", "no"));
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not start " + command, e);
        }
        paused = false;
        awaitPing();
    }

    /** SIGKILL: the node vanishes at once, as in a crash. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        if (paused) {
            signal("CONT");
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paused = false;
    }

    /** SIGSTOP: the node keeps its sockets open but answers nothing, like a long GC pause or a partition. */
    public synchronized void pause() {
        if (isRunning() && !paused) {
            signal("STOP");
            paused = true;
        }
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() {
        if (isRunning() && paused) {
            signal("CONT");
            paused = false;
        }
    }

    /** Kills the process and starts it again on the same port and directory. */
    public synchronized void restart() {
        kill();
        start();
    }

    @Override
    public synchronized void close() {
        kill();
        process = null;
    }

    Path dir() {
        return dir;
    }

    private void signal(String name) {
        Processes.signal(process.pid(), name);
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String ping = password == null ? "PING\r\n" : "AUTH " + password + "\r\nPING\r\n";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited at start: " + log());
            }
            try (Socket socket = tls == null ? new Socket() : tlsSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                socket.setSoTimeout(500);
                socket.getOutputStream().write(ping.getBytes(StandardCharsets.US_ASCII));
                byte[] buffer = new byte[64];
                int read = socket.getInputStream().read(buffer);
                if (read > 0 && new String(buffer, 0, read, StandardCharsets.US_ASCII).contains("PONG")) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting, or loading its AOF
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING in " + START_TIMEOUT + ": " + log());
    }

    /** A client socket factory that trusts this node's CA, for the start-up PING. */
    private javax.net.SocketFactory tlsSocketFactory() {
        try (InputStream in = Files.newInputStream(tls.ca())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not read the CA " + tls.ca(), e);
        }
    }

    private String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }
}
