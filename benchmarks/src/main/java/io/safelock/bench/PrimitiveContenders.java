package io.safelock.bench;

import io.safelock.lock.LockName;
import io.safelock.lock.config.LockSettings;
import io.safelock.lock.primitives.Hold;
import io.safelock.lock.primitives.LockPrimitives;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RReadWriteLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The read/write lock, the semaphore and the fair lock of this library against Redisson's
 * RReadWriteLock, RPermitExpirableSemaphore and RFairLock, on the same node, through {@link Contender}.
 * Every contender counts who is inside at once, so a run also checks the guarantee: never a writer
 * with anyone, never more than N permits.
 */
final class PrimitiveContenders {

    static final int PERMITS = 4;
    /** One operation in ten is a write: a read-heavy mix. */
    static final int WRITE_ONE_IN = 10;

    private PrimitiveContenders() {
    }

    enum Kind { RW, SEMAPHORE, FAIR }

    /** Who is inside now and the worst seen. */
    static final class Occupancy {
        final AtomicInteger readers = new AtomicInteger();
        final AtomicInteger writers = new AtomicInteger();
        final AtomicInteger violations = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();

        void enter(boolean write) {
            int w = write ? writers.incrementAndGet() : writers.get();
            int r = write ? readers.get() : readers.incrementAndGet();
            if (write ? (w > 1 || r > 0) : w > 0) {
                violations.incrementAndGet();
            }
            maxInside.accumulateAndGet(r + w, Math::max);
        }

        void leave(boolean write) {
            (write ? writers : readers).decrementAndGet();
        }

        String check(Kind kind) {
            return switch (kind) {
                case RW -> violations.get() == 0 ? "exclusive ok" : "VIOLATED x" + violations.get();
                case SEMAPHORE -> maxInside.get() <= PERMITS ? "max " + maxInside.get() + " of " + PERMITS
                        : "VIOLATED " + maxInside.get() + " > " + PERMITS;
                case FAIR -> "-";
            };
        }
    }

    record Handle(Object held, boolean write) {
    }

    /** Holds an in-JVM occupancy check for rw and semaphore; the fair lock is checked by the hot-key counter. */
    abstract static class Base implements Contender {
        final Kind kind;
        final Occupancy occupancy = new Occupancy();

        Base(Kind kind) {
            this.kind = kind;
        }

        boolean nextIsWrite() {
            return kind == Kind.RW && ThreadLocalRandom.current().nextInt(WRITE_ONE_IN) == 0;
        }

        String check() {
            return occupancy.check(kind);
        }
    }

    static final class Safelock extends Base {
        private final Vertx vertx = Vertx.vertx();
        private final LockPrimitives primitives;

        Safelock(Kind kind, List<String> nodes) {
            super(kind);
            this.primitives = LockPrimitives.create(vertx, LockSettings.builder(nodes).build(), null);
        }

        @Override
        public String name() {
            return switch (kind) {
                case RW -> "safelock read/write";
                case SEMAPHORE -> "safelock semaphore";
                case FAIR -> "safelock fair lock";
            };
        }

        @Override
        public Object lock(String key) {
            Duration ttl = Duration.ofSeconds(5);
            Duration wait = Duration.ofSeconds(30);
            LockName name = LockName.of("bench", kind + "-" + key);
            boolean write = nextIsWrite();
            Hold hold = switch (kind) {
                case RW -> (write ? primitives.readWrite().writeLock(name, ttl, wait) : primitives.readWrite().readLock(name, ttl, wait))
                        .await().indefinitely();
                case SEMAPHORE -> primitives.semaphores().of(name, PERMITS).acquire(1, ttl, wait).await().indefinitely();
                case FAIR -> primitives.fair().acquire(name, ttl, wait).await().indefinitely();
            };
            occupancy.enter(write);
            return new Handle(hold, write);
        }

        @Override
        public void unlock(Object handle) {
            Handle h = (Handle) handle;
            occupancy.leave(h.write());
            ((Hold) h.held()).release().await().indefinitely();
        }

        @Override
        public void close() {
            primitives.close();
            vertx.closeAndAwait();
        }
    }

    static final class RedissonSide extends Base {
        private final RedissonClient client;

        RedissonSide(Kind kind, List<String> nodes) {
            super(kind);
            if (nodes.size() != 1) {
                throw new IllegalArgumentException("Redisson's primitives run on one node");
            }
            Config config = new Config();
            config.useSingleServer().setAddress(nodes.get(0)).setConnectionPoolSize(32).setConnectionMinimumIdleSize(8)
                    .setSubscriptionConnectionPoolSize(8).setTimeout(3000);
            this.client = Redisson.create(config);
        }

        @Override
        public String name() {
            return switch (kind) {
                case RW -> "Redisson RReadWriteLock";
                case SEMAPHORE -> "Redisson RPermitExpSem";
                case FAIR -> "Redisson RFairLock";
            };
        }

        @Override
        public Object lock(String key) throws InterruptedException {
            String name = "bench:" + kind + "-" + key;
            boolean write = nextIsWrite();
            Object held;
            switch (kind) {
                case RW -> {
                    RReadWriteLock rw = client.getReadWriteLock(name);
                    RLock lock = write ? rw.writeLock() : rw.readLock();
                    require(lock.tryLock(30, 5, TimeUnit.SECONDS), name);
                    held = lock;
                }
                case SEMAPHORE -> {
                    RPermitExpirableSemaphore semaphore = client.getPermitExpirableSemaphore(name);
                    semaphore.trySetPermits(PERMITS);
                    String permit = semaphore.tryAcquire(30, 5, TimeUnit.SECONDS);
                    require(permit != null, name);
                    held = new Object[] {semaphore, permit};
                }
                case FAIR -> {
                    RLock lock = client.getFairLock(name);
                    require(lock.tryLock(30, 5, TimeUnit.SECONDS), name);
                    held = lock;
                }
                default -> throw new IllegalStateException();
            }
            occupancy.enter(write);
            return new Handle(held, write);
        }

        private void require(boolean acquired, String name) {
            if (!acquired) {
                throw new IllegalStateException(name() + ": " + name + " not acquired in 30 s");
            }
        }

        @Override
        public void unlock(Object handle) {
            Handle h = (Handle) handle;
            occupancy.leave(h.write());
            if (h.held() instanceof Object[] permit) {
                ((RPermitExpirableSemaphore) permit[0]).release((String) permit[1]);
            } else {
                ((RLock) h.held()).unlock();
            }
        }

        @Override
        public void close() {
            client.shutdown();
        }
    }
}
