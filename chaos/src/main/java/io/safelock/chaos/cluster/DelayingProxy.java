package io.safelock.chaos.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Network delay without {@code tc netem} (kernels built without sch_netem, like the one of the README's
 * run): a TCP proxy on the bridge that holds every chunk, in each direction, for {@code delay ± jitter}
 * ms before passing it on, in order (a chunk never overtakes the one before it, as on one TCP stream).
 * {@link Network#delayVia} redirects a namespace's connections to a lock node through it.
 */
public final class DelayingProxy implements AutoCloseable {

    private final int delayMs;
    private final int jitterMs;
    private final Random random;
    private final TcpRelay relay;

    public DelayingProxy(String listenAddress, String targetAddress, int targetPort, int delayMs, int jitterMs, long seed) {
        this.delayMs = delayMs;
        this.jitterMs = jitterMs;
        this.random = new Random(seed);
        this.relay = new TcpRelay(listenAddress, new InetSocketAddress(targetAddress, targetPort), true,
                "delay-" + targetAddress, this::pipe);
    }

    public int port() {
        return relay.port();
    }

    private record Chunk(long deliverAtNanos, byte[] bytes) {
    }

    /** One direction: a reader stamps each chunk with its delivery time, this thread delivers it then. */
    private void pipe(Socket from, Socket to) throws IOException, InterruptedException {
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
        }
    }

    private synchronized int nextDelay() {
        return Math.max(0, delayMs - jitterMs + random.nextInt(2 * jitterMs + 1));
    }

    @Override
    public void close() {
        relay.close();
    }
}
