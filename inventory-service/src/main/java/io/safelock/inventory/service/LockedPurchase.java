package io.safelock.inventory.service;

import io.safelock.inventory.data.FenceClaim;
import io.safelock.inventory.config.InventoryConfig;
import io.safelock.inventory.data.ProductRepository;
import io.safelock.inventory.data.Sale;
import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.LeaseLostException;
import io.safelock.lock.LockName;
import io.safelock.lock.LockException;
import io.safelock.lock.quarkus.LockFailure;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * {@code POST /purchase/with-lock/{id}} (waits up to {@code lock.wait-timeout} for a busy lock, then
 * answers 409) and {@code POST /buy/{id}} and {@code /purchase/with-lock-retry/{id}} (keep waiting up to
 * {@code inventory.buy.max-wait}, so a crowd of buyers is served instead of turned away): the seed's
 * steps inside a lock-common lock on {@code product:<id>}, fenced at the row:
 * <ol>
 * <li>claim the row for this lease's fencing token and read the stock: only a token greater than the
 *     row's fence may claim it (otherwise this lease is stale, or another holder has the same token:
 *     lock lost);</li>
 * <li>pause for the processing delay, check the stock read;</li>
 * <li>sell ({@link Sale}: stock, order and event in one statement) only while the row's fence is still
 *     this token and the stock still covers the quantity (strategies without the lock may sell meanwhile).</li>
 * </ol>
 * With no processing delay there is nothing to wait for between the read and the write, so steps 1 and 3
 * are one statement ({@link Sale.Rule#CLAIM}): one round trip and one commit instead of two commits.
 * Before the lock, a lock-free read of the stock answers "sold out" without queueing for the lock; with no
 * processing delay only for products this replica has seen short of stock, since the sale checks the stock
 * itself.
 * With extension (the default, {@link PurchaseCommand#extendLease()}) the lease is kept alive and a loss
 * stops the work before it writes. Either way, once step 1 has run for a newer holder, this holder's
 * step 3 writes nothing: the fence refuses it, and the outcome says so ({@code fenceRefused}).
 */
@ApplicationScoped
public class LockedPurchase implements PurchaseFlow {

    private static final Logger LOG = Logger.getLogger(LockedPurchase.class);
    private static final int MAX_REMEMBERED = 100_000;

    private final ProductRepository products;
    private final PurchaseRecorder recorder;
    private final Pause pause;
    private final DistributedLocks locks;
    private final Duration lockWait;
    private final Duration buyWait;
    /** Products seen short of stock here: see {@link #remember}. */
    private final java.util.Set<Long> seenShort = java.util.concurrent.ConcurrentHashMap.newKeySet();

    LockedPurchase(ProductRepository products, PurchaseRecorder recorder, Pause pause, DistributedLocks locks, InventoryConfig config) {
        this.products = products;
        this.recorder = recorder;
        this.pause = pause;
        this.locks = locks;
        this.lockWait = locks.settings().waitTimeout();
        this.buyWait = config.buy().maxWait();
    }

    /** How long to wait for a busy lock. */
    private Duration maxWait(PurchaseCommand command) {
        return command.strategy() == Strategy.WITH_LOCK_RETRY ? buyWait : lockWait;
    }

    @Override
    public Uni<PurchaseOutcome> purchase(PurchaseCommand command, IdempotencyClaim claim) {
        long id = command.productId();
        // With no processing delay the locked sale is one statement that checks the stock itself, so a
        // product in stock needs no separate read first: one round trip to PostgreSQL per purchase.
        if (command.processingDelay().isZero() && !seenShort.contains(id)) {
            return underLock(command, claim).invoke(outcome -> remember(id, outcome));
        }
        // Sold out needs no lock: stock only falls between resets, so a lock-free reading that is already
        // too low gives the answer the locked check would give, and a crowd arriving after the last unit
        // does not queue for the lock one by one.
        return products.find(id).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new PurchaseOutcome.ProductNotFound());
            }
            if (found.get().stock() < command.quantity()) {
                remember(id, null);
                return Uni.createFrom().item(new PurchaseOutcome.OutOfStock(found.get().stock()));
            }
            seenShort.remove(id); // restocked
            return underLock(command, claim).invoke(outcome -> remember(id, outcome));
        });
    }

    /**
     * Notes a product this replica found short of stock (or just sold out): its next purchases read the stock
     * before they queue for the lock. Only a hint for that choice; every answer comes from the database.
     */
    private void remember(long productId, PurchaseOutcome outcome) {
        boolean shortNow = outcome == null
                || outcome instanceof PurchaseOutcome.OutOfStock
                || outcome instanceof PurchaseOutcome.Purchased purchased && purchased.remainingStock() == 0;
        if (shortNow) {
            if (seenShort.size() >= MAX_REMEMBERED) {
                seenShort.clear(); // a bound, not a cache policy: forgetting costs one queued purchase per product
            }
            seenShort.add(productId);
        }
    }

    private Uni<PurchaseOutcome> underLock(PurchaseCommand command, IdempotencyClaim claim) {
        LockName name = LockName.of("product", Long.toString(command.productId()));
        Duration ttl = locks.settings().leaseTtl();
        AtomicReference<CompletableFuture<PurchaseOutcome>> write = new AtomicReference<>();
        Uni<PurchaseOutcome> locked = command.extendLease()
                ? locks.withLock(name, ttl, maxWait(command), guard -> steps(command, claim, guard.fencingToken(), guard::ensureHeld, write))
                : locks.acquire(name, ttl, maxWait(command)).flatMap(lease -> steps(command, claim, lease.fencingToken(), () -> { }, write)
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
        if (command.processingDelay().isZero()) {
            ensureHeld.run();
            return sell(Sale.Rule.CLAIM, command, claim, token, write);
        }
        return products.claimFence(id, token).flatMap(fence -> switch (fence) {
            case FenceClaim.NotFound notFound -> Uni.createFrom().item(new PurchaseOutcome.ProductNotFound());
            case FenceClaim.Fenced fenced -> Uni.createFrom().item(fencedOut(id, fenced.presented(), fenced.recorded()));
            case FenceClaim.Claimed claimed -> pause.of(command.processingDelay()).flatMap(paused -> {
                var product = claimed.product();
                if (product.stock() < command.quantity()) {
                    return Uni.createFrom().item(new PurchaseOutcome.OutOfStock(product.stock()));
                }
                ensureHeld.run();
                return sell(Sale.Rule.CLAIMED, command, claim, token, write);
            });
        });
    }

    /** Starts the sale; once started it runs to its end even if the caller goes away (the fence decides it). */
    private Uni<PurchaseOutcome> sell(Sale.Rule rule, PurchaseCommand command, IdempotencyClaim claim, long token,
                                      AtomicReference<CompletableFuture<PurchaseOutcome>> write) {
        CompletableFuture<PurchaseOutcome> started = recorder.sell(rule, command, token, claim)
                .flatMap(sold -> sold.isPresent()
                        ? Uni.createFrom().<PurchaseOutcome>item(sold.get())
                        : refused(rule, command.productId(), token))
                .subscribeAsCompletionStage();
        write.set(started);
        return detached(started);
    }

    /** The sale wrote nothing: why, from the row as it is now. */
    private Uni<PurchaseOutcome> refused(Sale.Rule rule, long id, long token) {
        return products.find(id).map(found -> {
            if (found.isEmpty()) {
                return new PurchaseOutcome.ProductNotFound();
            }
            long recorded = found.get().fenceToken();
            boolean fenceAllowed = rule == Sale.Rule.CLAIM ? recorded < token : recorded == token;
            return fenceAllowed ? new PurchaseOutcome.OutOfStock(found.get().stock()) : fencedOut(id, token, recorded);
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
