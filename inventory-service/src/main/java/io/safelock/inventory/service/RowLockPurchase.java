package io.safelock.inventory.service;

import io.safelock.inventory.data.Sale;
import io.safelock.inventory.data.ProductRepository;
import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.safelock.lock.LockName;
import io.safelock.lock.LockWaitTimeoutException;
import io.safelock.lock.Locks;
import io.safelock.lock.quarkus.LockFailure;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The seed's steps inside one transaction that starts with {@code SELECT … FOR UPDATE}: PostgreSQL's
 * row lock serializes buyers instead of Redis. The row (and a pooled connection) stays locked through
 * the processing delay; waiting for it is bounded by {@code lock_timeout} = {@code lock.wait-timeout}.
 */
@ApplicationScoped
public class RowLockPurchase implements PurchaseFlow {

    private final Pool pool;
    private final ProductRepository products;
    private final PurchaseRecorder recorder;
    private final Pause pause;
    private final Duration waitTimeout;

    RowLockPurchase(Pool pool, ProductRepository products, PurchaseRecorder recorder, Pause pause, Locks locks) {
        this.pool = pool;
        this.products = products;
        this.recorder = recorder;
        this.pause = pause;
        this.waitTimeout = locks.waitTimeout();
    }

    @Override
    public Uni<PurchaseOutcome> purchase(PurchaseCommand command, IdempotencyClaim claim) {
        long started = System.nanoTime();
        // lock_timeout 0 would mean "wait forever" to PostgreSQL
        long timeoutMs = Math.max(1, waitTimeout.toMillis());
        return pool.withTransaction(tx -> tx.query("SET LOCAL lock_timeout = '" + timeoutMs + "ms'").execute()
                        .flatMap(set -> products.findForUpdate(tx, command.productId()))
                        .flatMap(found -> {
                            if (found.isEmpty()) {
                                return Uni.createFrom().<PurchaseOutcome>item(new PurchaseOutcome.ProductNotFound());
                            }
                            var product = found.get();
                            return pause.of(command.processingDelay()).flatMap(paused -> {
                                if (product.stock() < command.quantity()) {
                                    return Uni.createFrom().<PurchaseOutcome>item(new PurchaseOutcome.OutOfStock(product.stock()));
                                }
                                // the row is locked by this transaction and was checked: the sale needs no condition of its own
                                return recorder.sell(tx, Sale.Rule.UNCONDITIONAL, command, null, claim)
                                        .map(sold -> (PurchaseOutcome) sold.orElseThrow());
                            });
                        }))
                .onFailure(SqlErrors::isLockTimeout).recoverWithItem(timeout -> new PurchaseOutcome.LockFailed(LockFailure.of(
                        // The row lock is a lock too: its timeout is answered like a distributed lock's.
                        new LockWaitTimeoutException(LockName.of("product-row", Long.toString(command.productId())), 1,
                                Duration.ofNanos(System.nanoTime() - started)))));
    }
}
