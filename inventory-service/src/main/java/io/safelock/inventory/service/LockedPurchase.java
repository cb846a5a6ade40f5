package io.safelock.inventory.service;

import io.safelock.inventory.data.FenceClaim;
import io.safelock.inventory.data.FencedDecrement;
import io.safelock.inventory.data.ProductRepository;
import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.LeaseLostException;
import io.safelock.lock.LockName;
import io.safelock.lock.LockException;
import io.safelock.lock.quarkus.LockFailure;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The seed's steps inside a lock-common lock on {@code product:<id>}, fenced at the row:
 * <ol>
 * <li>claim the row for this lease's fencing token and read the stock: only a token greater than the
 *     row's fence may claim it (otherwise this lease is stale, or another holder has the same token:
 *     lock lost);</li>
 * <li>pause for the processing delay, check the stock read;</li>
 * <li>decrement only while the row's fence is still this token and the stock still covers the quantity
 *     (strategies without the lock may sell meanwhile), with the order and the event, in one
 *     transaction.</li>
 * </ol>
 * With extension (the default, {@link PurchaseCommand#extendLease()}) the lease is kept alive and a loss
 * stops the work before it writes. Either way, once step 1 has run for a newer holder, this holder's
 * step 3 writes nothing: the fence refuses it, and the outcome says so ({@code fenceRefused}).
 */
abstract class LockedPurchase implements PurchaseFlow {

    private static final Logger LOG = Logger.getLogger(LockedPurchase.class);

    private final Pool pool;
    private final ProductRepository products;
    private final PurchaseRecorder recorder;
    private final Pause pause;
    private final DistributedLocks locks;

    LockedPurchase(Pool pool, ProductRepository products, PurchaseRecorder recorder, Pause pause, DistributedLocks locks) {
        this.pool = pool;
        this.products = products;
        this.recorder = recorder;
        this.pause = pause;
        this.locks = locks;
    }

    /** How long to wait for a busy lock. */
    abstract Duration maxWait();

    @Override
    public Uni<PurchaseOutcome> purchase(PurchaseCommand command, IdempotencyClaim claim) {
        // Sold out needs no lock: stock only falls between resets, so a lock-free reading that is already
        // too low gives the answer the locked check would give, and a crowd arriving after the last unit
        // does not queue for the lock one by one.
        return products.find(command.productId()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new PurchaseOutcome.ProductNotFound());
            }
            if (found.get().stock() < command.quantity()) {
                return Uni.createFrom().item(new PurchaseOutcome.OutOfStock(found.get().stock()));
            }
            return underLock(command, claim);
        });
    }

    private Uni<PurchaseOutcome> underLock(PurchaseCommand command, IdempotencyClaim claim) {
        LockName name = LockName.of("product", Long.toString(command.productId()));
        Duration ttl = locks.settings().leaseTtl();
        AtomicReference<CompletableFuture<PurchaseOutcome>> write = new AtomicReference<>();
        Uni<PurchaseOutcome> locked = command.extendLease()
                ? locks.withLock(name, ttl, maxWait(), guard -> steps(command, claim, guard.fencingToken(), guard::ensureHeld, write))
                : locks.acquire(name, ttl, maxWait()).flatMap(lease -> steps(command, claim, lease.fencingToken(), () -> { }, write)
                        .onTermination().call(() -> lease.release().onFailure().recoverWithNull()));
        return locked
                .onFailure(LeaseLostException.class).recoverWithUni(lost -> {
                    CompletableFuture<PurchaseOutcome> started = write.get();
                    if (started == null) {
                        return Uni.createFrom().item(new PurchaseOutcome.LockFailed(LockFailure.of((LockException) lost)));
                    }
                    // The write had begun when the loss was noticed; it completes on its own and the fence
                    // decided it, so its result is the truth to report, not "lock lost".
                    return detached(started);
                })
                .onFailure(LockException.class).recoverWithItem(failure ->
                        new PurchaseOutcome.LockFailed(LockFailure.of((LockException) failure)));
    }

    private Uni<PurchaseOutcome> steps(PurchaseCommand command, IdempotencyClaim claim, long token, Runnable ensureHeld,
                                       AtomicReference<CompletableFuture<PurchaseOutcome>> write) {
        long id = command.productId();
        return products.claimFence(id, token).flatMap(fence -> switch (fence) {
            case FenceClaim.NotFound notFound -> Uni.createFrom().item(new PurchaseOutcome.ProductNotFound());
            case FenceClaim.Fenced fenced -> Uni.createFrom().item(fencedOut(id, fenced.presented(), fenced.recorded()));
            case FenceClaim.Claimed claimed -> pause.of(command.processingDelay()).flatMap(paused -> {
                var product = claimed.product();
                if (product.stock() < command.quantity()) {
                    return Uni.createFrom().item(new PurchaseOutcome.OutOfStock(product.stock()));
                }
                ensureHeld.run();
                CompletableFuture<PurchaseOutcome> started = pool.withTransaction(tx ->
                                products.decrementFenced(tx, id, command.quantity(), token).flatMap(decrement -> switch (decrement) {
                                    case FencedDecrement.Done done ->
                                            recorder.record(tx, command, product.price(), done.stock(), token, claim).map(PurchaseOutcome.class::cast);
                                    case FencedDecrement.Fenced fenced -> Uni.createFrom().item(fencedOut(id, token, fenced.recorded()));
                                    case FencedDecrement.OutOfStock sold -> Uni.createFrom().item(new PurchaseOutcome.OutOfStock(sold.available()));
                                }))
                        .subscribeAsCompletionStage();
                write.set(started);
                return detached(started);
            });
        });
    }

    private static PurchaseOutcome fencedOut(long productId, long token, long recorded) {
        LOG.warnf("Refused a stale claim or write on product %d: fencing token %d, the row's fence is %d", productId, token, recorded);
        return new PurchaseOutcome.LockFailed(LockFailure.fencedOut(Fences.refusal(productId, token, recorded), token), true);
    }

    /** The future as a Uni whose cancellation does not cancel the future: a started write must finish. */
    private static <T> Uni<T> detached(CompletableFuture<T> future) {
        return Uni.createFrom().emitter(emitter -> future.whenComplete((item, failure) -> {
            if (failure != null) {
                emitter.fail(failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            } else {
                emitter.complete(item);
            }
        }));
    }
}
