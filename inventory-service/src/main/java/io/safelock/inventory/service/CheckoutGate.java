package io.safelock.inventory.service;

import io.safelock.inventory.config.InventoryConfig;
import io.safelock.lock.LockException;
import io.safelock.lock.LockName;
import io.safelock.lock.LockWaitTimeoutException;
import io.safelock.lock.Locks;
import io.safelock.lock.primitives.DistributedSemaphore;
import io.safelock.lock.primitives.LockPrimitives;
import io.safelock.lock.quarkus.LockFailure;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds how many checkouts ({@code POST /buy/{id}}) run at once across the whole replica group: each
 * holds one permit of the distributed semaphore {@link #CHECKOUTS} with
 * {@code inventory.buy.max-concurrent-checkouts} permits while its purchase runs. A flood of buyers then
 * waits in line on the lock nodes instead of piling up on the database connections; a buyer that gets no
 * permit within {@code inventory.buy.max-wait} answers the shared 409 {@code lock_timeout} (503 when the
 * lock nodes are unreachable), with Retry-After.
 *
 * <p>The permit's lease is extended while the purchase runs, so a long purchase keeps its place in the
 * bound. Should it be lost anyway (lock nodes unreachable past its lease, when the product's own lock is in
 * the same trouble), the purchase is cancelled like any work whose lease is lost: a write already started
 * still runs to its end and the product's fencing token decides it; the answer is 409 {@code lock_lost}.
 */
@ApplicationScoped
public class CheckoutGate {

    /** The semaphore every replica's checkouts share. */
    public static final LockName CHECKOUTS = LockName.of("checkout", "buy");

    private final DistributedSemaphore semaphore;
    private final int permits;
    private final Duration maxWait;
    private final Duration ttl;

    CheckoutGate(LockPrimitives primitives, Locks locks, InventoryConfig config) {
        this.permits = config.buy().maxConcurrentCheckouts();
        if (permits < 0 || permits > 10_000) {
            throw new IllegalArgumentException("inventory.buy.max-concurrent-checkouts must be from 0 (no bound) to 10000 but was " + permits);
        }
        this.semaphore = permits == 0 ? null : primitives.semaphores().of(CHECKOUTS, permits);
        this.maxWait = config.buy().maxWait();
        this.ttl = locks.leaseTtl();
    }

    /** How many checkouts may run at once across the replicas; 0 = no bound. */
    public int permits() {
        return permits;
    }

    /** The flow, run while holding one checkout permit (the flow itself when the bound is off). */
    public PurchaseFlow around(PurchaseFlow flow) {
        if (semaphore == null) {
            return flow;
        }
        return (command, claim) -> semaphore.withPermits(1, ttl, maxWait, guard -> flow.purchase(command, claim))
                .onFailure(LockException.class).recoverWithItem(refused -> new PurchaseOutcome.LockFailed(refusal((LockException) refused)));
    }

    /** The shared lock-failure answer, saying that it was the checkout bound that was full. */
    private LockFailure refusal(LockException refused) {
        LockFailure failure = LockFailure.of(refused);
        if (!(refused instanceof LockWaitTimeoutException timeout)) {
            return failure;
        }
        Map<String, Object> body = new LinkedHashMap<>(failure.body());
        body.put("error", "No checkout slot came free within " + timeout.waited().toMillis() + " ms: " + permits
                + " checkouts are already running across the replicas (inventory.buy.max-concurrent-checkouts); retry later");
        body.put("max_concurrent_checkouts", permits);
        return new LockFailure(failure.status(), failure.reason(), body);
    }
}
