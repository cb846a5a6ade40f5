package io.safelock.lock.primitives;

import io.safelock.lock.LockName;
import io.safelock.lock.config.LockSettings;
import io.vertx.mutiny.core.Vertx;
import java.io.FileWriter;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A separate JVM in the primitive multi-process tests: threads take the primitive again and again,
 * hold it for a moment and append every hold to a file as soon as it ends (so a JVM that is killed
 * leaves the holds it finished).
 * Args: kind(rw|sem|fair) lockNodes(comma) lockName threads opsPerThread holdMs totalPermits outFile heartbeatMs
 */
public final class PrimitiveWorkerMain {

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        List<String> nodes = List.of(args[1].split(","));
        LockName name = LockName.parse(args[2]);
        int threads = Integer.parseInt(args[3]);
        int ops = Integer.parseInt(args[4]);
        long holdMs = Long.parseLong(args[5]);
        int total = Integer.parseInt(args[6]);
        String out = args[7];
        Duration heartbeat = Duration.ofMillis(Long.parseLong(args[8]));

        Vertx vertx = Vertx.vertx();
        LockSettings settings = LockSettings.builder(nodes).nodeTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(5))
                .leaseTtl(Duration.ofSeconds(3)).build();
        java.util.concurrent.atomic.AtomicInteger quorumFailures = new java.util.concurrent.atomic.AtomicInteger();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        try (LockPrimitives primitives = LockPrimitives.create(vertx, settings, null, heartbeat);
             PrintWriter writer = new PrintWriter(new FileWriter(out, true), false)) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String holder = ProcessHandle.current().pid() + "/" + t;
                int thread = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < ops; i++) {
                            long called = PrimitiveHistory.nowMicros();
                            Duration ttl = Duration.ofSeconds(3);
                            Duration wait = Duration.ofSeconds(90);
                            Hold hold;
                            try {
                                hold = acquire(primitives, kind, name, total, thread, ttl, wait);
                            } catch (io.safelock.lock.QuorumUnavailableException e) {
                                // the machine or the disk stalled every node past its timeout: the caller is told; try again
                                System.err.println("quorum unavailable (" + quorumFailures.incrementAndGet() + "): " + e.getMessage());
                                i--;
                                continue;
                            }
                            String side = switch (hold.kind()) {
                                case "read" -> "r";
                                case "write" -> "w";
                                case "permits" -> "s";
                                default -> "f";
                            };
                            long start = PrimitiveHistory.nowMicros();
                            Thread.sleep(holdMs);
                            long end = PrimitiveHistory.nowMicros();
                            // a stall longer than the lease (a loaded machine) ends the guarantee; the caller can tell, so does the record
                            boolean valid = hold.isValid();
                            hold.release().await().indefinitely();
                            PrimitiveHistory.Hold record = new PrimitiveHistory.Hold(side, hold.fencingTokens(), start, end, holder,
                                    hold.queueTicket(), called, valid);
                            synchronized (writer) {
                                writer.println(record.format());
                                writer.flush();
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
        vertx.closeAndAwait();
        if (!errors.isEmpty()) {
            errors.get(0).printStackTrace();
            System.exit(2);
        }
        System.exit(0);
    }

    private static Hold acquire(LockPrimitives primitives, String kind, LockName name, int total, int thread, Duration ttl, Duration wait) {
        return switch (kind) {
            case "rw" -> {
                boolean write = thread == 0 || ThreadLocalRandom.current().nextInt(5) == 0; // read-heavy
                yield (write ? primitives.readWrite().writeLock(name, ttl, wait) : primitives.readWrite().readLock(name, ttl, wait))
                        .await().indefinitely();
            }
            case "sem" -> primitives.semaphores().of(name, total)
                    .acquire(1 + ThreadLocalRandom.current().nextInt(Math.min(2, total)), ttl, wait).await().indefinitely();
            case "fair" -> primitives.fair().acquire(name, ttl, wait).await().indefinitely();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private PrimitiveWorkerMain() {
    }
}
