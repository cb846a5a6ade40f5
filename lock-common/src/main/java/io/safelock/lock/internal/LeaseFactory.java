package io.safelock.lock.internal;

import io.safelock.lock.Lease;
import io.safelock.lock.LockGuard;
import io.safelock.lock.LockName;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.Objects;

/**
 * Makes {@link Lease}s and {@link LockGuard}s for a {@link LeaseOperations} other than {@code DistributedLocks}
 * (lock-test-fake's in-memory locks), whose constructors stay package-private to keep them out of the API.
 * Internal, no compatibility promise: applications get leases and guards from the locks.
 */
public final class LeaseFactory {

    /** The package-private parts of {@code io.safelock.lock} this factory needs; installed by {@link Lease}. */
    public interface Access {

        Lease lease(LeaseOperations operations, LockName name, String token, long fencingToken, long validUntilNanos, Duration ttl);

        void extended(Lease lease, long validUntilNanos, Duration ttl);

        void markLost(Lease lease);

        LockGuard guard(Lease lease);
    }

    private static volatile Access access;

    private LeaseFactory() {
    }

    /** Called once, by {@link Lease}'s class initializer. */
    public static void install(Access implementation) {
        synchronized (LeaseFactory.class) {
            if (access != null) {
                throw new IllegalStateException("LeaseFactory access is installed already");
            }
            access = Objects.requireNonNull(implementation);
        }
    }

    private static Access access() {
        Access installed = access;
        if (installed == null) {
            try {
                MethodHandles.lookup().ensureInitialized(Lease.class); // its initializer installs the access
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            installed = access;
        }
        return installed;
    }

    /**
     * A lease granted by {@code operations}: valid until {@code validUntilNanos} ({@link System#nanoTime()} scale)
     * unless extended, lost or released. Its release and extension go to {@code operations}.
     *
     * @param token the random value that marks this owner
     */
    public static Lease lease(LeaseOperations operations, LockName name, String token, long fencingToken,
                              long validUntilNanos, Duration ttl) {
        return access().lease(Objects.requireNonNull(operations, "operations"), Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(token, "token"), fencingToken, validUntilNanos, Objects.requireNonNull(ttl, "ttl"));
    }

    /** An extension of {@code lease} succeeded: it is valid until {@code validUntilNanos}, with {@code ttl} from now on. */
    public static void extended(Lease lease, long validUntilNanos, Duration ttl) {
        access().extended(lease, validUntilNanos, ttl);
    }

    /** The lease is known to be lost: no longer {@link Lease#isValid()}. */
    public static void markLost(Lease lease) {
        access().markLost(lease);
    }

    /** The guard handed to work under {@code lease}; losing it (see {@link #declareLost}) marks the lease lost too. */
    public static LockGuard guard(Lease lease) {
        return access().guard(lease);
    }

    /**
     * Tells the work holding {@code guard} that its lease is lost: {@link WorkGuard#isLost()},
     * {@link WorkGuard#ensureHeld()} throws {@code LeaseLostException} with {@code reason}, the callbacks run.
     *
     * @return false if the guard was lost already
     */
    public static boolean declareLost(WorkGuard guard, String reason) {
        return guard.markLost(reason);
    }
}
