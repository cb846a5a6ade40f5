package io.safelock.load;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;

/**
 * An open-model HTTP load generator: request {@code i} is due at {@code start + i / rate}, whatever
 * happened to the requests before it, and its latency is measured from that due time, not from when a
 * connection was free to send it. A server that stalls therefore shows the stall in the latency of every
 * request that was due during it (no coordinated omission). At most {@code connections} requests are on
 * the wire at once; the rest wait in a backlog here, and that wait counts as latency too.
 *
 * <p>Everything runs on one Vert.x event loop: the scheduler, the sends and the answers, so the
 * histogram and the counters need no locking.
 */
final class OpenLoad implements AutoCloseable {

    /** LOAD_DEBUG_SLOW set: print, after each run, the requests over 50 ms per 100 ms of due time (stalls vs queueing). */
    static final boolean DEBUG_SLOW = System.getenv("LOAD_DEBUG_SLOW") != null;

    /** What to send: method POST, a path (for request number i) and a JSON body, to one of the targets. */
    record Target(String name, List<Integer> ports, LongFunction<String> path, String body) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final Context loop = vertx.getOrCreateContext();
    private final int connections;

    OpenLoad(int connections) {
        this.connections = connections;
    }

    /**
     * Sends at {@code rate} per second for {@code seconds}, then waits up to {@code drainSeconds} for the
     * answers. A capacity probe ({@code probe} true, offered above what the server can do) counts what was
     * answered within the window; the requests that were due but never got a connection are dropped at
     * the end (counted as "not-sent"), while those on the wire are always waited for, never cut: a cut
     * connection would cancel server work mid-way and disturb the next scenario.
     */
    Result run(String scenario, Target target, double rate, double seconds, double drainSeconds, boolean probe) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                        .setConnectTimeout(5_000).setIdleTimeout(120),
                new PoolOptions().setHttp1MaxSize(connections));
        Histogram latencies = new Histogram(TimeUnit.SECONDS.toMicros(300), 3);
        Map<String, Long> statuses = new TreeMap<>();
        Map<String, String> samples = new TreeMap<>();
        long total = (long) Math.floor(rate * seconds);
        long windowNanos = (long) (seconds * 1e9);
        CompletableFuture<Long> done = new CompletableFuture<>();
        // all on the event loop: [0] due so far, [1] sent, [2] answered, [3] in flight, [4] answered in the window,
        // [5] 409/503 without Retry-After, [6] 1 once the window is closed
        long[] n = new long[7];
        java.util.TreeMap<Long, Integer> slow = new java.util.TreeMap<>();
        ArrayDeque<Long> backlog = new ArrayDeque<>();
        Buffer body = Buffer.buffer(target.body());
        long[] timerId = {-1};
        long[] t0 = {0};
        double intervalNanos = 1e9 / rate;

        Runnable[] dispatch = new Runnable[1];
        Runnable finishIfDone = () -> {
            if (n[3] == 0 && (n[2] == total || (n[6] == 1 && backlog.isEmpty()))) {
                done.complete(System.nanoTime() - t0[0]);
            }
        };
        dispatch[0] = () -> {
            while (n[3] < connections && !backlog.isEmpty()) {
                long i = n[1]++;
                long intended = backlog.poll();
                n[3]++;
                int port = target.ports().get((int) (i % target.ports().size()));
                client.request(HttpMethod.POST, port, "127.0.0.1", target.path().apply(i))
                        .compose(request -> request.putHeader("Content-Type", "application/json").send(body)
                                .compose(response -> response.body().map(answer -> {
                                    int status = response.statusCode();
                                    if (status != 200 && status != 202 && status != 400) {
                                        samples.putIfAbsent(Integer.toString(status), answer.toString(StandardCharsets.UTF_8));
                                    }
                                    if ((status == 409 || status == 503 || status == 429) && response.getHeader("Retry-After") == null) {
                                        n[5]++;
                                    }
                                    return Integer.toString(status);
                                })))
                        .onComplete(answer -> {
                            long end = System.nanoTime();
                            n[3]--;
                            n[2]++;
                            if (end - t0[0] <= windowNanos) {
                                n[4]++;
                            }
                            latencies.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(end - intended)));
                            if (DEBUG_SLOW && end - intended > 50_000_000L) {
                                slow.merge((intended - t0[0]) / 100_000_000L, 1, Integer::sum);
                            }
                            String key = answer.succeeded() ? answer.result() : "io-error";
                            if (answer.failed()) {
                                samples.putIfAbsent(key, String.valueOf(answer.cause()));
                            }
                            statuses.merge(key, 1L, Long::sum);
                            dispatch[0].run();
                            finishIfDone.run();
                        });
            }
        };
        loop.runOnContext(start -> {
            t0[0] = System.nanoTime();
            timerId[0] = vertx.setPeriodic(1, timer -> {
                long now = System.nanoTime();
                long due = Math.min(total, (long) ((now - t0[0]) / intervalNanos) + 1);
                while (n[0] < due) {
                    backlog.add(t0[0] + (long) (n[0]++ * intervalNanos));
                }
                if (probe && now - t0[0] >= windowNanos) {
                    n[6] = 1;
                    statuses.merge("not-sent", (long) backlog.size() + (total - n[0]), Long::sum);
                    backlog.clear();
                    n[0] = total;
                }
                dispatch[0].run();
                // a probe stops sending at the end of its window (above), not when the last request fell due
                // just before it: sending a backlog of due requests after the window would disturb the next run
                if (n[0] >= total && (!probe || n[6] == 1)) {
                    vertx.cancelTimer(timer);
                    n[6] = 1;
                    finishIfDone.run();
                }
            });
        });
        long elapsedNanos;
        try {
            elapsedNanos = done.get((long) ((seconds + drainSeconds) * 1000), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            elapsedNanos = -1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // Snapshot on the event loop, where the counters are written.
        CompletableFuture<Result> snapshot = new CompletableFuture<>();
        long elapsed = elapsedNanos;
        loop.runOnContext(v -> {
            vertx.cancelTimer(timerId[0]);
            Map<String, Long> copy = new TreeMap<>(statuses);
            if (DEBUG_SLOW) {
                System.err.println("[slow>50ms by due time, 100 ms buckets] " + scenario + (probe ? " probe" : " load") + " started "
                        + java.time.Instant.ofEpochMilli(System.currentTimeMillis() - (System.nanoTime() - t0[0]) / 1_000_000) + ": " + slow);
            }
            long unanswered = n[3] + backlog.size();
            if (unanswered > 0) {
                copy.put("no-answer", unanswered);
            }
            backlog.clear();
            double span = probe ? seconds : (elapsed > 0 ? elapsed / 1e9 : seconds + drainSeconds);
            long answered = probe ? n[4] : n[2];
            snapshot.complete(new Result(scenario, rate, answered, n[2], span, latencies.copy(), copy, new TreeMap<>(samples), n[5]));
        });
        try {
            Result result = snapshot.get(10, TimeUnit.SECONDS);
            client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return result;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
