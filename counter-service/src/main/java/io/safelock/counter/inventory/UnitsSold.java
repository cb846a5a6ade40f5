package io.safelock.counter.inventory;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Units of a product sold, as counted from {@code inventory.purchased} events. */
@RegisterForReflection
public record UnitsSold(String productId, long unitsSold) {
}
