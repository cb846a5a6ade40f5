package io.safelock.inventory.service;

import io.safelock.inventory.data.ProductRepository;
import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code UPDATE products SET stock = stock - q WHERE id = ? AND stock >= q RETURNING …}: PostgreSQL
 * checks and decrements in one statement under its row lock, so no lock service is needed and the
 * row is locked only for the statement. The processing delay happens before it, outside any lock.
 */
@ApplicationScoped
public class ConditionalUpdatePurchase implements PurchaseFlow {

    private final Pool pool;
    private final ProductRepository products;
    private final PurchaseRecorder recorder;
    private final Pause pause;

    ConditionalUpdatePurchase(Pool pool, ProductRepository products, PurchaseRecorder recorder, Pause pause) {
        this.pool = pool;
        this.products = products;
        this.recorder = recorder;
        this.pause = pause;
    }

    @Override
    public Uni<PurchaseOutcome> purchase(PurchaseCommand command, IdempotencyClaim claim) {
        return pause.of(command.processingDelay()).flatMap(paused -> pool.withTransaction(tx ->
                products.decrementIfAvailable(tx, command.productId(), command.quantity()).flatMap(updated -> {
                    if (updated.isPresent()) {
                        var product = updated.get();
                        return recorder.record(tx, command, product.price(), product.stock(), null, claim)
                                .map(PurchaseOutcome.class::cast);
                    }
                    return products.find(tx, command.productId()).map(found -> found.isEmpty()
                            ? new PurchaseOutcome.ProductNotFound()
                            : new PurchaseOutcome.OutOfStock(found.get().stock()));
                })));
    }
}
