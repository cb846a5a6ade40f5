package io.safelock.chaos.cluster;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One Redis command over a fresh connection (RESP2), for the nemesis to read what a lock node holds: the
 * suite never goes through the services' own client for that, so what it reads is the node's word.
 */
public final class Resp {

    private Resp() {
    }

    /** The reply: a string for bulk/simple strings, a Long for integers, null for a nil bulk string. */
    public static Object command(String address, int port, int timeoutMs, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String line = line(in);
            return switch (line.charAt(0)) {
                case '+' -> line.substring(1);
                case ':' -> Long.parseLong(line.substring(1));
                case '-' -> throw new IOException("error reply: " + line.substring(1));
                case '$' -> {
                    int length = Integer.parseInt(line.substring(1));
                    if (length < 0) {
                        yield null;
                    }
                    byte[] bulk = in.readNBytes(length + 2);
                    yield new String(bulk, 0, length, StandardCharsets.UTF_8);
                }
                default -> throw new IOException("unexpected reply: " + line);
            };
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\r') {
                in.read();
                break;
            }
            bytes.write(b);
        }
        if (bytes.size() == 0) {
            throw new IOException("connection closed without a reply");
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
