package io.safelock.inventory.service;

import io.safelock.inventory.data.ProductRepository;
import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Read the stock, pause, check the value read, decrement: deliberately racy. Concurrent buyers all
 * pass the check on the same reading and the decrements drive the stock below zero.
 */
@ApplicationScoped
public class UnlockedPurchase implements PurchaseFlow {

    private final Pool pool;
    private final ProductRepository products;
    private final PurchaseRecorder recorder;
    private final Pause pause;

    UnlockedPurchase(Pool pool, ProductRepository products, PurchaseRecorder recorder, Pause pause) {
        this.pool = pool;
        this.products = products;
        this.recorder = recorder;
        this.pause = pause;
    }

    @Override
    public Uni<PurchaseOutcome> purchase(PurchaseCommand command, IdempotencyClaim claim) {
        return products.find(command.productId()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new PurchaseOutcome.ProductNotFound());
            }
            var product = found.get();
            return pause.of(command.processingDelay()).flatMap(paused -> {
                if (product.stock() < command.quantity()) {
                    return Uni.createFrom().item(new PurchaseOutcome.OutOfStock(product.stock()));
                }
                return pool.withTransaction(tx -> products.decrement(tx, command.productId(), command.quantity())
                        .flatMap(stock -> recorder.record(tx, command, product.price(), stock.orElseThrow(), null, claim)));
            });
        });
    }
}
