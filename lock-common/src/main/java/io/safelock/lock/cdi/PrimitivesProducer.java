package io.safelock.lock.cdi;

import io.safelock.lock.config.LockConfig;
import io.safelock.lock.metrics.LockMetrics;
import io.safelock.lock.primitives.LockPrimitives;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Makes {@link LockPrimitives} (read/write locks, semaphores, fair locks) injectable, on the nodes and
 * settings of {@code lock.*}; created on first use, so applications that do not use them open no
 * extra connections.
 */
@Singleton
public class PrimitivesProducer {

    @Produces
    @Singleton
    LockPrimitives lockPrimitives(Vertx vertx, LockConfig config, LockMetrics metrics) {
        return LockPrimitives.create(vertx, config.toSettings(), metrics, config.fair().waiterHeartbeat());
    }

    void close(@Disposes LockPrimitives primitives) {
        primitives.close();
    }
}
