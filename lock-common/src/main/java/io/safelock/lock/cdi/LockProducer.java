package io.safelock.lock.cdi;

import io.safelock.lock.LockOwner;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.safelock.lock.BlockingLocks;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.config.LockConfig;
import io.safelock.lock.metrics.CurrentHolds;
import io.safelock.lock.metrics.LockMetrics;
import io.safelock.lock.metrics.MicrometerLockMetrics;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Makes {@link DistributedLocks} and {@link BlockingLocks} injectable in a Quarkus application,
 * configured from {@code lock.*}. Created at startup, so a bad node list stops the application with a
 * clear message instead of failing the first request.
 *
 * <p>The producer method's bean has every type of its return type, {@link io.safelock.lock.Locks} included
 * (no {@code @Typed}): {@code @Inject Locks} gets this same bean. A test replaces it for {@code Locks} only
 * with an {@code @Alternative} producer of another implementation, selected by its test profile.
 */
@Singleton
public class LockProducer {

    /** How often current holds are checked against {@code lock.hold-warning}. */
    private static final long HOLD_CHECK_MS = 1_000;

    @Produces
    @Singleton
    LockMetrics lockMetrics(Vertx vertx, LockConfig config, Instance<MeterRegistry> registry) {
        if (!registry.isResolvable()) {
            return LockMetrics.NONE;
        }
        CurrentHolds holds = new CurrentHolds(config.holdWarning());
        if (holds.warnAfter() != null) {
            vertx.setPeriodic(HOLD_CHECK_MS, id -> holds.warnAboutLongHolds());
        }
        return new MicrometerLockMetrics(registry.get(), holds);
    }

    @Produces
    @Singleton
    @Startup
    DistributedLocks distributedLocks(Vertx vertx, LockConfig config, LockMetrics metrics,
                                      @ConfigProperty(name = "quarkus.application.name") java.util.Optional<String> application) {
        // who holds a lock, as inspect and the lock event lines show it
        application.ifPresent(LockOwner::nameThisService);
        return DistributedLocks.create(vertx, config.toSettings(), metrics);
    }

    @Produces
    @Singleton
    BlockingLocks blockingLocks(DistributedLocks locks) {
        return locks.blocking();
    }

    void close(@Disposes DistributedLocks locks) {
        locks.close();
    }
}
