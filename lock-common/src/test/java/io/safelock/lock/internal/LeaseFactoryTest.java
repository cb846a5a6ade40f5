package io.safelock.lock.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.lock.Lease;
import io.safelock.lock.LeaseLostException;
import io.safelock.lock.LockGuard;
import io.safelock.lock.LockName;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Leases and guards made for a LeaseOperations other than DistributedLocks (no Redis here). */
class LeaseFactoryTest {

    private static final LockName NAME = LockName.of("factory", "1");

    /** Counts what the lease asks of it; extends by the TTL asked for. */
    static final class CountingOperations implements LeaseOperations {
        final AtomicInteger releases = new AtomicInteger();
        final AtomicInteger extensions = new AtomicInteger();
        final AtomicInteger releasesAfterExpiry = new AtomicInteger();

        @Override
        public Uni<Void> release(Lease lease) {
            releases.incrementAndGet();
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Lease> extend(Lease lease, Duration ttl) {
            extensions.incrementAndGet();
            LeaseFactory.extended(lease, System.nanoTime() + ttl.toNanos(), ttl);
            return Uni.createFrom().item(lease);
        }

        @Override
        public void releasedAfterExpiry(Lease lease) {
            releasesAfterExpiry.incrementAndGet();
        }
    }

    private static Lease lease(LeaseOperations operations, Duration ttl) {
        return LeaseFactory.lease(operations, NAME, "owner-token", 42, System.nanoTime() + ttl.toNanos(), ttl);
    }

    @Test
    void aLeaseCarriesWhatItWasGivenAndReleasesOnce() {
        CountingOperations operations = new CountingOperations();
        Lease lease = lease(operations, Duration.ofSeconds(10));
        assertThat(lease.name()).isEqualTo(NAME);
        assertThat(lease.token()).isEqualTo("owner-token");
        assertThat(lease.fencingToken()).isEqualTo(42);
        assertThat(lease.ttl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(lease.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(lease.isValid()).isTrue();

        lease.release().await().indefinitely();
        lease.release().await().indefinitely();
        assertThat(operations.releases).as("the second release goes nowhere").hasValue(1);
        assertThat(lease.isValid()).isFalse();
        assertThatThrownBy(() -> lease.extend(Duration.ofSeconds(1)).await().indefinitely())
                .isInstanceOf(LeaseLostException.class).hasMessageContaining("already released");
        assertThat(operations.extensions).hasValue(0);
    }

    @Test
    void anExtensionGoesToTheOperationsAndMovesTheValidity() {
        CountingOperations operations = new CountingOperations();
        Lease lease = lease(operations, Duration.ofMillis(50));
        Lease extended = lease.extend(Duration.ofSeconds(30)).await().indefinitely();
        assertThat(extended).isSameAs(lease);
        assertThat(operations.extensions).hasValue(1);
        assertThat(lease.ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(lease.remaining()).isGreaterThan(Duration.ofSeconds(29));
    }

    @Test
    void aLeaseMarkedLostIsNoLongerValid() {
        Lease lease = lease(new CountingOperations(), Duration.ofSeconds(10));
        LeaseFactory.markLost(lease);
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void aGuardDeclaredLostTellsTheWorkAndMarksTheLease() {
        Lease lease = lease(new CountingOperations(), Duration.ofSeconds(10));
        LockGuard guard = LeaseFactory.guard(lease);
        AtomicReference<LeaseLostException> heard = new AtomicReference<>();
        guard.onLost(heard::set);
        assertThat(guard.lease()).isSameAs(lease);
        assertThat(guard.fencingToken()).isEqualTo(42);
        guard.ensureHeld();

        assertThat(LeaseFactory.declareLost(guard, "taken away by the test")).isTrue();
        assertThat(LeaseFactory.declareLost(guard, "again")).as("lost once").isFalse();
        assertThat(guard.isLost()).isTrue();
        assertThat(lease.isValid()).isFalse();
        assertThatThrownBy(guard::ensureHeld).isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("taken away by the test").hasMessageContaining("fencing token 42");
        assertThat(heard.get()).isNotNull();
    }

    @Test
    void theAccessIsInstalledOnlyOnce() {
        lease(new CountingOperations(), Duration.ofSeconds(1)); // Lease is initialized: its access is in
        assertThatThrownBy(() -> LeaseFactory.install(new LeaseFactory.Access() {
            @Override
            public Lease lease(LeaseOperations operations, LockName name, String token, long fencingToken, long validUntilNanos, Duration ttl) {
                return null;
            }

            @Override
            public void extended(Lease lease, long validUntilNanos, Duration ttl) {
            }

            @Override
            public void markLost(Lease lease) {
            }

            @Override
            public LockGuard guard(Lease lease) {
                return null;
            }
        })).isInstanceOf(IllegalStateException.class);
    }
}
