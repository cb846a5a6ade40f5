package io.safelock.lock;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A separate JVM in the mutual-exclusion tests: N threads each do GET, pause, SET+1 on one Redis key,
 * with or without the lock, and write every hold (fencing token, start, end) to a file.
 * Args: lockNodes(comma) dataUri lockName counterKey threads increments pauseMs useLock(true|false) outFile
 */
public final class LockWorkerMain {

    public static void main(String[] args) throws Exception {
        List<String> lockNodes = List.of(args[0].split(","));
        String dataUri = args[1];
        LockName lockName = LockName.parse(args[2]);
        String counterKey = args[3];
        int threads = Integer.parseInt(args[4]);
        int increments = Integer.parseInt(args[5]);
        long pauseMs = Long.parseLong(args[6]);
        boolean useLock = Boolean.parseBoolean(args[7]);
        Path out = Path.of(args[8]);

        Vertx vertx = Vertx.vertx();
        RedisAPI data = RedisAPI.api(Redis.createClient(vertx, dataUri));
        ConcurrentLinkedQueue<String> holds = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (DistributedLocks locks = LockTestSupport.ready(DistributedLocks.create(vertx,
                LockTestSupport.settings(lockNodes).leaseTtl(Duration.ofSeconds(5))
                        // one key space per lock list: tests in one class lock the same nodes through different lists
                        .keyPrefix("lock:" + lockName + ":").build(), null))) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String holder = ProcessHandle.current().pid() + "/" + t;
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < increments; i++) {
                            if (useLock) {
                                Lease lease = locks.blocking().acquire(lockName, Duration.ofSeconds(5), Duration.ofSeconds(60));
                                long start = HoldHistory.nowMicros();
                                increment(data, counterKey, pauseMs);
                                long end = HoldHistory.nowMicros();
                                lease.release().await().indefinitely();
                                holds.add(new HoldHistory.Hold(lease.fencingToken(), start, end, holder).format());
                            } else {
                                increment(data, counterKey, pauseMs);
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
        }
        Files.write(out, holds);
        vertx.closeAndAwait();
        if (!errors.isEmpty()) {
            errors.peek().printStackTrace();
            System.exit(2);
        }
        System.exit(0);
    }

    /** The classic read-modify-write: correct only if nobody else writes between GET and SET. */
    static void increment(RedisAPI data, String key, long pauseMs) throws InterruptedException {
        Response current = data.get(key).await().indefinitely();
        long value = current == null ? 0 : current.toLong();
        if (pauseMs > 0) {
            Thread.sleep(pauseMs);
        }
        data.set(List.of(key, Long.toString(value + 1))).await().indefinitely();
    }

    private LockWorkerMain() {
    }
}
