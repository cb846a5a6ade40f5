package io.safelock.demo.story;

import io.safelock.demo.http.Http;
import io.safelock.demo.http.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Buyers of one product spread round-robin over the inventory replicas, as a load balancer would send them.
 * Every buyer is released by one start signal, so they really arrive together.
 */
public final class Purchases {

    private final Http http;
    private final List<String> replicas;

    public Purchases(Http http, List<String> replicas) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("no inventory replica");
        }
        this.http = http;
        this.replicas = List.copyOf(replicas);
    }

    public List<String> replicas() {
        return replicas;
    }

    /** {@code POST /stock/{id}/reset}; fails loudly, since nothing after it would mean anything. */
    public void reset(long productId, long stock) {
        Reply reply = http.post(replicas.get(0) + "/stock/" + productId + "/reset", "{\"stock\": " + stock + "}");
        if (reply.status() != 200) {
            throw new IllegalStateException("reset of product " + productId + " failed: HTTP " + reply.status() + " " + reply.body());
        }
    }

    public long stock(long productId) {
        Reply reply = http.get(replicas.get(0) + "/stock/" + productId);
        if (reply.status() != 200) {
            throw new IllegalStateException("GET /stock/" + productId + ": HTTP " + reply.status() + " " + reply.body());
        }
        return reply.number("stock");
    }

    /**
     * {@code buyers} purchases of one unit each on {@code route} ({@code without-lock}, {@code with-lock}, …),
     * at most {@code inFlight} at a time; a buyer told 409 or 503 (lock busy or unavailable, nothing written)
     * tries again up to {@code retries} times, as a client honouring Retry-After would.
     */
    public Outcome buy(String route, long productId, int buyers, int inFlight, Integer delayMs, int retries) {
        return buy("/purchase/" + route + "/" + productId, "{\"quantity\": 1}", buyers, inFlight, delayMs, retries);
    }

    /** The same on the seed's {@code POST /buy/{id}} (a checkout: it holds one of the replica group's checkout permits). */
    public Outcome checkout(long productId, int buyers, int inFlight, Integer delayMs, int retries) {
        return buy("/buy/" + productId, "{\"amount\": 1}", buyers, inFlight, delayMs, retries);
    }

    /** {@code POST /stock/reset-all}: every product's stock; the answer as it came. */
    public Reply resetAll(long stock) {
        return http.post(replicas.get(0) + "/stock/reset-all", "{\"stock\": " + stock + "}");
    }

    /** {@code GET /stock/report} from the given replica; the answer as it came. */
    public Reply report(String replica) {
        return http.get(replica + "/stock/report");
    }

    private Outcome buy(String path, String body, int buyers, int inFlight, Integer delayMs, int retries) {
        String query = delayMs == null ? "" : "?delayMs=" + delayMs;
        Outcome outcome = new Outcome();
        Semaphore slots = new Semaphore(inFlight);
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < buyers; i++) {
                String replica = replicas.get(i % replicas.size());
                String url = replica + path + query;
                threads.submit(() -> {
                    start.await();
                    slots.acquire();
                    try {
                        Reply reply = http.post(url, body);
                        for (int attempt = 0; attempt < retries && (reply.status() == 409 || reply.status() == 503); attempt++) {
                            outcome.retried.incrementAndGet();
                            outcome.retriedBecause.computeIfAbsent(reply.status() + " " + reply.text("reason"), r -> new AtomicInteger())
                                    .incrementAndGet();
                            Thread.sleep(50);
                            reply = http.post(url, body);
                        }
                        outcome.record(replica, reply);
                    } finally {
                        slots.release();
                    }
                    return null;
                });
            }
            start.countDown();
        }
        return outcome;
    }

    /** What the buyers were told, by kind of answer. */
    public static final class Outcome {
        final AtomicInteger succeeded = new AtomicInteger();
        final AtomicInteger outOfStock = new AtomicInteger();
        final AtomicInteger retried = new AtomicInteger();
        final Map<String, AtomicInteger> retriedBecause = new ConcurrentHashMap<>();
        final Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> successesByReplica = new ConcurrentHashMap<>();
        final List<Reply> failures = java.util.Collections.synchronizedList(new ArrayList<>());

        void record(String replica, Reply reply) {
            byStatus.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
            if (reply.status() == 200 && Boolean.TRUE.equals(reply.json().get("success"))) {
                succeeded.incrementAndGet();
                successesByReplica.computeIfAbsent(replica, r -> new AtomicInteger()).incrementAndGet();
            } else if (reply.status() == 400 && "Out of stock".equals(reply.text("error"))) {
                outOfStock.incrementAndGet();
            } else {
                failures.add(reply);
            }
        }

        public int succeeded() {
            return succeeded.get();
        }

        public int outOfStock() {
            return outOfStock.get();
        }

        /** Answers that were neither a purchase nor "out of stock" (after retries). */
        public int failed() {
            return failures.size();
        }

        public int retried() {
            return retried.get();
        }

        /** What the retried answers were, e.g. "{409 lock_timeout=16}". */
        public String retriedStatuses() {
            Map<String, Integer> sorted = new TreeMap<>();
            retriedBecause.forEach((k, v) -> sorted.put(k, v.get()));
            return sorted.toString();
        }

        public List<Reply> failures() {
            return List.copyOf(failures);
        }

        /** How many replicas sold at least one unit, e.g. "3000:6 3001:4". */
        public String successesPerReplica() {
            Map<String, Integer> sorted = new TreeMap<>();
            successesByReplica.forEach((url, n) -> sorted.put(url.substring(url.lastIndexOf(':') + 1), n.get()));
            StringBuilder out = new StringBuilder();
            sorted.forEach((port, n) -> out.append(out.isEmpty() ? "" : " ").append(':').append(port).append('=').append(n));
            return out.toString();
        }

        public String statuses() {
            return new TreeMap<>(byStatus).toString();
        }
    }
}
