package io.safelock.inventory.service;

import java.util.Map;

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

    /** The lock (or the row lock) stayed busy until the wait ran out. */
    record LockTimeout(String detail, long waitedMs, int attempts) implements PurchaseOutcome {
        public String tag() {
            return "lock_timeout";
        }
    }

    /** Too few Redis nodes answered to grant or deny the lock. */
    record QuorumUnavailable(String detail, Map<String, String> failedNodes) implements PurchaseOutcome {
        public String tag() {
            return "quorum_unavailable";
        }
    }

    /**
     * The lease ran out or was taken over before the write, or the row's fence refused the claim or the
     * write ({@code fenceRefused}: a stale holder's token met a newer one at the database).
     */
    record LockLost(String detail, boolean fenceRefused) implements PurchaseOutcome {
        public LockLost(String detail) {
            this(detail, false);
        }


        public String tag() {
            return "lock_lost";
        }
    }
}
