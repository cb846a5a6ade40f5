package io.safelock.demo.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Loopback port probes (free ports for tests: lock-test-support's {@code FreePorts}). */
public final class Ports {

    private Ports() {
    }

    public static boolean inUse(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** True if a Redis server on the loopback port answers PING. */
    public static boolean answersPing(int port) {
        return answersPing(InetAddress.getLoopbackAddress().getHostAddress(), port);
    }

    /** True if a Redis server at the address and port answers PING. */
    public static boolean answersPing(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 300);
            socket.setSoTimeout(1_000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buffer = new byte[64];
            int read = socket.getInputStream().read(buffer);
            return read > 0 && new String(buffer, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException no) {
            return false;
        }
    }
}
