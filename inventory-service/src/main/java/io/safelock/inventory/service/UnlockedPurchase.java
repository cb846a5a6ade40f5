package io.safelock.inventory.service;

import io.safelock.inventory.data.Sale;
import io.safelock.inventory.data.ProductRepository;
import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Read the stock, pause, check the value read, decrement: deliberately racy. Concurrent buyers all
 * pass the check on the same reading and the decrements drive the stock below zero.
 */
@ApplicationScoped
public class UnlockedPurchase implements PurchaseFlow {

    private final ProductRepository products;
    private final PurchaseRecorder recorder;
    private final Pause pause;

    UnlockedPurchase(ProductRepository products, PurchaseRecorder recorder, Pause pause) {
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
                // writes whatever the stale read decided: that is the race this route shows
                return recorder.sell(Sale.Rule.UNCONDITIONAL, command, null, claim).map(sold -> sold.<PurchaseOutcome>map(p -> p)
                        .orElseGet(PurchaseOutcome.ProductNotFound::new));
            });
        });
    }
}
