package io.safelock.counter.support;

import io.safelock.lock.config.LockConfig;
import io.safelock.testsupport.fake.InMemoryLocks;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Puts lock-test-fake's {@link InMemoryLocks} where the service injects {@code Locks}, configured with the
 * service's {@code lock.lease-ttl} and {@code lock.wait-timeout}. An alternative without {@code @Priority}: only
 * a test profile that selects it ({@link InMemoryLocksProfile}) gets it, every other test keeps the real locks.
 * The real {@code DistributedLocks} bean stays (the readiness check and the admin routes use it).
 * (Quarkus wants the class a profile enables marked {@code @Alternative} too.)
 */
@Alternative
public class InMemoryLocksProducer {

    @Produces
    @Singleton
    @Alternative
    InMemoryLocks inMemoryLocks(LockConfig config) {
        return new InMemoryLocks(config.leaseTtl(), config.waitTimeout());
    }

    void close(@Disposes InMemoryLocks locks) {
        locks.close();
    }
}
