package io.safelock.inventory.service;

import io.safelock.inventory.config.InventoryConfig;
import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.LeaseKeeper;
import io.safelock.lock.LockException;
import io.safelock.lock.LockName;
import io.safelock.lock.LockWaitTimeoutException;
import io.safelock.lock.WorkGuard;
import io.safelock.lock.primitives.DistributedSemaphore;
import io.safelock.lock.primitives.Hold;
import io.safelock.lock.primitives.LockPrimitives;
import io.safelock.lock.quarkus.LockFailure;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Bounds how many checkouts ({@code POST /buy/{id}}) run at once across the whole replica group: each
 * holds one permit of the distributed semaphore {@link #CHECKOUTS} with
 * {@code inventory.buy.max-concurrent-checkouts} permits while its purchase runs. A flood of buyers then
 * waits in line on the lock nodes instead of piling up on the database connections; a buyer that gets no
 * permit within {@code inventory.buy.max-wait} answers the shared 409 {@code lock_timeout} (503 when the
 * lock nodes are unreachable), with Retry-After.
 *
 * <p>The permit is a bound on load, not a guard of data (the product's lock and its fencing token are),
 * so losing it while the purchase runs (lock nodes unreachable past its lease) does not stop the purchase:
 * the purchase finishes and answers what really happened, and the loss is logged. The permit's lease is
 * extended while the purchase runs, so a long purchase keeps its place in the bound.
 */
@ApplicationScoped
public class CheckoutGate {

    private static final Logger LOG = Logger.getLogger(CheckoutGate.class);

    /** The semaphore every replica's checkouts share. */
    public static final LockName CHECKOUTS = LockName.of("checkout", "buy");

    private final DistributedSemaphore semaphore;
    private final int permits;
    private final Duration maxWait;
    private final Duration ttl;
    private final double renewFraction;
    private final Vertx vertx;

    CheckoutGate(LockPrimitives primitives, DistributedLocks locks, InventoryConfig config, Vertx vertx) {
        this.permits = config.buy().maxConcurrentCheckouts();
        if (permits < 0 || permits > 10_000) {
            throw new IllegalArgumentException("inventory.buy.max-concurrent-checkouts must be from 0 (no bound) to 10000 but was " + permits);
        }
        this.semaphore = permits == 0 ? null : primitives.semaphores().of(CHECKOUTS, permits);
        this.maxWait = config.buy().maxWait();
        this.ttl = locks.settings().leaseTtl();
        this.renewFraction = locks.settings().renewFraction();
        this.vertx = vertx;
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
        return (command, claim) -> semaphore.acquire(1, ttl, maxWait)
                .onItemOrFailure().transformToUni((hold, failure) -> {
                    if (failure instanceof LockException refused) {
                        return Uni.createFrom().item(new PurchaseOutcome.LockFailed(refusal(refused)));
                    }
                    if (failure != null) {
                        return Uni.createFrom().failure(failure);
                    }
                    return holding(hold, flow, command, claim);
                });
    }

    private Uni<PurchaseOutcome> holding(Hold hold, PurchaseFlow flow, PurchaseCommand command, IdempotencyClaim claim) {
        PermitGuard guard = new PermitGuard(hold);
        guard.onLost(lost -> LOG.warnf("Checkout permit of product %d's purchase lost while it ran (%s); the purchase goes on",
                command.productId(), lost.getMessage()));
        LeaseKeeper keeper = new LeaseKeeper(vertx, hold, guard, renewFraction);
        keeper.start();
        return Uni.createFrom().deferred(() -> flow.purchase(command, claim))
                .onTermination().call(() -> {
                    keeper.stop();
                    return hold.release().onFailure().recoverWithNull();
                });
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

    /** The permit's view for its keeper: extended while the purchase runs, its loss only logged. */
    private static final class PermitGuard extends WorkGuard {
        PermitGuard(Hold hold) {
            super(hold, () -> { });
        }
    }
}
