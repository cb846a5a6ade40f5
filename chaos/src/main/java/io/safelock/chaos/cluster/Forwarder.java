package io.safelock.chaos.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Forwards TCP from the bridge address to a server that listens on loopback only (the suite's RabbitMQ
 * broker), so replicas in their namespaces reach it. When the server goes away, both sides are closed, as
 * the server's own close would.
 */
public final class Forwarder implements AutoCloseable {

    private final TcpRelay relay;

    public Forwarder(String listenAddress, int targetPort) {
        relay = new TcpRelay(listenAddress, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), false,
                "forward-" + targetPort, Forwarder::pump);
    }

    public int port() {
        return relay.port();
    }

    private static void pump(Socket from, Socket to) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        }
    }

    @Override
    public void close() {
        relay.close();
    }
}
