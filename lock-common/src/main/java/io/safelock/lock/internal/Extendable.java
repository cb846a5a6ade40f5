package io.safelock.lock.internal;

import io.safelock.lock.LeaseLostException;
import io.safelock.lock.LockName;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * Something granted on the nodes for a while that can be extended: a {@link io.safelock.lock.Lease}, or a hold
 * of one of the primitives. {@link WorkGuard} and the keeper that extends it while work runs serve both through
 * it. Internal, no compatibility promise.
 */
public interface Extendable {

    LockName name();

    long fencingToken();

    Duration ttl();

    Duration remaining();

    boolean isValid();

    /** Resets the TTL where this holder still holds; fails with {@link LeaseLostException} if it no longer does. */
    Uni<? extends Extendable> extend(Duration newTtl);
}
