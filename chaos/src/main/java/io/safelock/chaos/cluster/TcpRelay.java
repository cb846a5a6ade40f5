package io.safelock.chaos.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TCP plumbing of {@link Forwarder} and {@link DelayingProxy}: listens on a bridge address, connects
 * each client to the target and carries both directions with the given {@link Direction}. When either
 * direction ends, both sockets are closed, as the server's own close would.
 */
final class TcpRelay implements AutoCloseable {

    /** Copies bytes from one socket to the other until either ends; the relay closes both afterwards. */
    @FunctionalInterface
    interface Direction {
        void carry(Socket from, Socket to) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final boolean noDelay;
    private final Direction direction;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** {@code noDelay}: disable Nagle on both sockets, so small chunks are not held back by TCP as well. */
    TcpRelay(String listenAddress, InetSocketAddress target, boolean noDelay, String threadName, Direction direction) {
        this.target = target;
        this.noDelay = noDelay;
        this.direction = direction;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(listenAddress), 0), 128);
        } catch (IOException e) {
            throw new IllegalStateException("could not listen on " + listenAddress, e);
        }
        Thread.ofVirtual().name(threadName).start(this::accept);
    }

    int port() {
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
            upstream.connect(target, 2_000);
            if (noDelay) {
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            }
        } catch (IOException refused) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        sockets.add(client);
        sockets.add(upstream);
        Thread.ofVirtual().start(() -> carryThenClose(client, upstream));
        Thread.ofVirtual().start(() -> carryThenClose(upstream, client));
    }

    private void carryThenClose(Socket from, Socket to) {
        try {
            direction.carry(from, to);
        } catch (IOException | InterruptedException ended) {
            // one side went away or close() ended it: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
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
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(TcpRelay::closeQuietly);
    }
}
