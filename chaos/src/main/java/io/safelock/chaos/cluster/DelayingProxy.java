package io.safelock.chaos.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Network delay without {@code tc netem} (kernels built without sch_netem, like the one of the README's
 * run): a TCP proxy on the bridge that holds every chunk, in each direction, for {@code delay ± jitter}
 * ms before passing it on, in order (a chunk never overtakes the one before it, as on one TCP stream).
 * {@link Network#delayVia} redirects a namespace's connections to a lock node through it.
 */
public final class DelayingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetAddress;
    private final int targetPort;
    private final int delayMs;
    private final int jitterMs;
    private final Random random;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public DelayingProxy(String listenAddress, String targetAddress, int targetPort, int delayMs, int jitterMs, long seed) {
        this.targetAddress = targetAddress;
        this.targetPort = targetPort;
        this.delayMs = delayMs;
        this.jitterMs = jitterMs;
        this.random = new Random(seed);
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(listenAddress), 0), 128);
        } catch (IOException e) {
            throw new IllegalStateException("could not listen on " + listenAddress, e);
        }
        Thread.ofVirtual().name("delay-" + targetAddress).start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> connect(client));
            } catch (IOException e) {
                if (!closed) {
                    Shell.sleep(50);
                }
            }
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(targetAddress, targetPort), 2_000);
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
        } catch (IOException refused) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        sockets.add(client);
        sockets.add(upstream);
        pipe(client, upstream);
        pipe(upstream, client);
    }

    private record Chunk(long deliverAtNanos, byte[] bytes) {
    }

    /** One direction: a reader stamps each chunk with its delivery time, a writer delivers it then. */
    private void pipe(Socket from, Socket to) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Chunk end = new Chunk(0, null);
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[16 * 1024];
            long last = 0;
            try (InputStream in = from.getInputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    long deliverAt = Math.max(last, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(nextDelay()));
                    last = deliverAt;
                    queue.add(new Chunk(deliverAt, Arrays.copyOf(buffer, read)));
                }
            } catch (IOException ended) {
                // the other side or close() ended it
            } finally {
                queue.add(end);
            }
        });
        Thread.ofVirtual().start(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk chunk = queue.take();
                    if (chunk == end) {
                        break;
                    }
                    long wait = chunk.deliverAtNanos() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException ended) {
                // closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    private synchronized int nextDelay() {
        return Math.max(0, delayMs - jitterMs + random.nextInt(2 * jitterMs + 1));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        sockets.forEach(DelayingProxy::closeQuietly);
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
