package io.safelock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free loopback ports for the servers and services tests start. */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port nothing listens on right now (the OS picks it; a caller binds it soon after). */
    public static int one() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** {@code count} different ports nothing listens on right now. */
    public static List<Integer> distinct(int count) {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < count) {
            int port = one();
            if (!ports.contains(port)) {
                ports.add(port);
            }
        }
        return ports;
    }
}
