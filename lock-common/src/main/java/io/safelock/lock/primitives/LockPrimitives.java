package io.safelock.lock.primitives;

import io.safelock.lock.config.LockSettings;
import io.safelock.lock.metrics.LockMetrics;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.Objects;

/**
 * Read/write locks, semaphores and fair locks on the same nodes and settings as
 * {@link io.safelock.lock.DistributedLocks}: one node, or Redlock over 3, 5, 7 … nodes with quorum
 * semantics, fencing tokens, leases that expire when their holder dies, and the same metrics (tagged
 * {@code group/read}, {@code group/write}, {@code group/permits}, {@code group/fair}).
 */
public final class LockPrimitives implements AutoCloseable {

    /** Default time a fair-lock waiter stays in the queue after its last heartbeat. */
    public static final Duration DEFAULT_WAITER_HEARTBEAT = Duration.ofSeconds(1);

    private final PrimitiveEngine engine;
    private final ReadWriteLocks readWrite;
    private final Semaphores semaphores;
    private final FairLocks fair;

    private LockPrimitives(PrimitiveEngine engine, Duration waiterHeartbeat) {
        this.engine = engine;
        this.readWrite = new ReadWriteLocks(engine);
        this.semaphores = new Semaphores(engine);
        this.fair = new FairLocks(engine, waiterHeartbeat);
    }

    public static LockPrimitives create(Vertx vertx, LockSettings settings, LockMetrics metrics) {
        return create(vertx, settings, metrics, DEFAULT_WAITER_HEARTBEAT);
    }

    /** @param waiterHeartbeat how long a fair-lock waiter that stopped renewing (died) keeps its place */
    public static LockPrimitives create(Vertx vertx, LockSettings settings, LockMetrics metrics, Duration waiterHeartbeat) {
        Objects.requireNonNull(waiterHeartbeat, "waiterHeartbeat");
        if (waiterHeartbeat.toMillis() < 30) {
            throw new IllegalArgumentException("waiterHeartbeat must be at least 30 ms but was " + waiterHeartbeat.toMillis() + " ms");
        }
        return new LockPrimitives(new PrimitiveEngine(Objects.requireNonNull(vertx, "vertx"),
                Objects.requireNonNull(settings, "settings"), metrics == null ? LockMetrics.NONE : metrics), waiterHeartbeat);
    }

    public ReadWriteLocks readWrite() {
        return readWrite;
    }

    public Semaphores semaphores() {
        return semaphores;
    }

    public FairLocks fair() {
        return fair;
    }

    public int quorum() {
        return engine.quorum();
    }

    @Override
    public void close() {
        engine.close();
    }
}
