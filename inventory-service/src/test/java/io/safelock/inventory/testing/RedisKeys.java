package io.safelock.inventory.testing;

import io.safelock.testsupport.RedisNodesTestResource;
import io.safelock.testsupport.RedisServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Raw RESP against the test's Redis nodes, to make a lock vanish as an expiry or FLUSHALL would. */
public final class RedisKeys {

    private RedisKeys() {
    }

    public static void deleteEverywhere(String key) {
        for (RedisServer node : RedisNodesTestResource.current().all()) {
            delete(node.port(), key);
        }
    }

    private static void delete(int port, String key) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            out.write(("*2\r\n$3\r\nDEL\r\n$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.getInputStream().read(new byte[64]);
        } catch (IOException e) {
            throw new IllegalStateException("DEL " + key + " on port " + port + ": " + e.getMessage(), e);
        }
    }
}
