package io.safelock.inventory.data;

import java.math.BigDecimal;

/** The columns of an order to insert. {@code fencingToken} and {@code idempotencyKey} may be null. */
public record NewOrder(long productId, int quantity, BigDecimal unitPrice, String strategy, int remainingStock,
                       Long fencingToken, String idempotencyKey) {
}
