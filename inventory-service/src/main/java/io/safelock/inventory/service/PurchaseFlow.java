package io.safelock.inventory.service;

import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.smallrye.mutiny.Uni;

/** One way to carry out a purchase; see {@link Strategy}. */
public interface PurchaseFlow {

    /** @param claim the request's Idempotency-Key claim, to be completed in the purchase transaction; may be null */
    Uni<PurchaseOutcome> purchase(PurchaseCommand command, IdempotencyClaim claim);
}
