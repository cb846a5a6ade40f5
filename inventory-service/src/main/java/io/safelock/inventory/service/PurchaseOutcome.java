package io.safelock.inventory.service;

import io.safelock.lock.quarkus.LockFailure;

/** How a purchase attempt ended. */
public sealed interface PurchaseOutcome {

    /** The Prometheus {@code outcome} tag. */
    String tag();

    /** Committed: stock, order, event (and the idempotency answer, when keyed) in one transaction. */
    record Purchased(long orderId, int remainingStock, Long fencingToken, Reply reply) implements PurchaseOutcome {
        public String tag() {
            return "success";
        }
    }

    record OutOfStock(int available) implements PurchaseOutcome {
        public String tag() {
            return "out_of_stock";
        }
    }

    record ProductNotFound() implements PurchaseOutcome {
        public String tag() {
            return "not_found";
        }
    }

    /**
     * The lock stayed busy until the wait ran out, was lost before the write, the row's fence refused the
     * claim or the write ({@code fenceRefused}: a stale holder's token met a newer one at the database), or
     * too few lock nodes answered: nothing was written.
     */
    record LockFailed(LockFailure failure, boolean fenceRefused) implements PurchaseOutcome {
        public LockFailed(LockFailure failure) {
            this(failure, false);
        }

        public String tag() {
            return failure.reason();
        }
    }
}
