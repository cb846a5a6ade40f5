package io.safelock.bench;

import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The measured loops. Every thread warms up until {@code measureFrom}, then counts until {@code measureUntil} (epoch ms). */
final class Workloads {

    private Workloads() {
    }

    /** Counts of one run in one JVM. */
    record Run(long measuredOps, long totalOps, Latencies latencies) {
    }

    /** Each thread locks and unlocks its own key: the cost of a lock when nobody else wants it. */
    static Run uncontended(Contender contender, int threads, long measureFrom, long measureUntil) throws InterruptedException {
        return run(threads, measureFrom, measureUntil, (thread, measuring, latencies) -> {
            long start = System.nanoTime();
            Object handle = contender.lock("free-" + ProcessHandle.current().pid() + "-" + thread);
            contender.unlock(handle);
            if (measuring) {
                latencies.add(System.nanoTime() - start);
            }
        });
    }

    /** All threads take one shared primitive (read/write lock, semaphore) and release it at once; latencies are waits. */
    static Run shared(Contender contender, int threads, long measureFrom, long measureUntil) throws InterruptedException {
        return run(threads, measureFrom, measureUntil, (thread, measuring, latencies) -> {
            long start = System.nanoTime();
            Object handle = contender.lock("shared");
            if (measuring) {
                latencies.add(System.nanoTime() - start);
            }
            contender.unlock(handle);
        });
    }

    /** All threads fight for one key and do GET, SET+1 on a counter while holding it; latencies are waits. */
    static Run hotKey(Contender contender, RedisAPI data, String counterKey, int threads, long measureFrom, long measureUntil)
            throws InterruptedException {
        return run(threads, measureFrom, measureUntil, (thread, measuring, latencies) -> {
            long start = System.nanoTime();
            Object handle = contender.lock("hot");
            if (measuring) {
                latencies.add(System.nanoTime() - start);
            }
            try {
                Response value = data.get(counterKey).await().indefinitely();
                long next = (value == null ? 0 : value.toLong()) + 1;
                data.set(List.of(counterKey, Long.toString(next))).await().indefinitely();
            } finally {
                contender.unlock(handle);
            }
        });
    }

    private interface Step {
        void run(int thread, boolean measuring, Latencies latencies) throws Exception;
    }

    private static Run run(int threads, long measureFrom, long measureUntil, Step step) throws InterruptedException {
        AtomicLong measured = new AtomicLong();
        AtomicLong total = new AtomicLong();
        List<Latencies> perThread = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            Latencies latencies = new Latencies();
            perThread.add(latencies);
            int thread = t;
            workers.add(Thread.ofPlatform().name("bench-" + t).start(() -> {
                try {
                    long now;
                    while ((now = System.currentTimeMillis()) < measureUntil) {
                        boolean measuring = now >= measureFrom;
                        step.run(thread, measuring, latencies);
                        total.incrementAndGet();
                        if (measuring && System.currentTimeMillis() < measureUntil) {
                            measured.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("a benchmark thread failed", errors.get(0));
        }
        Latencies all = new Latencies();
        perThread.forEach(all::addAll);
        return new Run(measured.get(), total.get(), all);
    }
}
