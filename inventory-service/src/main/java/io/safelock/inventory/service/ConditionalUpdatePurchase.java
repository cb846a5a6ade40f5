package io.safelock.inventory.service;

import io.safelock.inventory.data.Sale;
import io.safelock.inventory.data.ProductRepository;
import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code UPDATE products SET stock = stock - q WHERE id = ? AND stock >= q RETURNING …}: PostgreSQL
 * checks and decrements in one statement under its row lock, so no lock service is needed and the
 * row is locked only for the statement. The processing delay happens before it, outside any lock.
 */
@ApplicationScoped
public class ConditionalUpdatePurchase implements PurchaseFlow {

    private final ProductRepository products;
    private final PurchaseRecorder recorder;
    private final Pause pause;

    ConditionalUpdatePurchase(ProductRepository products, PurchaseRecorder recorder, Pause pause) {
        this.products = products;
        this.recorder = recorder;
        this.pause = pause;
    }

    @Override
    public Uni<PurchaseOutcome> purchase(PurchaseCommand command, IdempotencyClaim claim) {
        return pause.of(command.processingDelay()).flatMap(paused -> recorder.sell(Sale.Rule.COVERED, command, null, claim))
                .flatMap(sold -> sold.isPresent()
                        ? Uni.createFrom().<PurchaseOutcome>item(sold.get())
                        // refused: nothing was written; say why
                        : products.find(command.productId()).map(found -> found.isEmpty()
                                ? new PurchaseOutcome.ProductNotFound()
                                : new PurchaseOutcome.OutOfStock(found.get().stock())));
    }
}
