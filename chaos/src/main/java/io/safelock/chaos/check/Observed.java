package io.safelock.chaos.check;

import java.util.List;
import java.util.Map;

/**
 * What the suite reads from the system once a schedule has healed: the products' stock and orders, the
 * events the counter service received, and the counters.
 */
public record Observed(List<Product> products, List<Counter> counters) {

    /** One order row as the database has it; {@code id} gives the commit order within a product. */
    public record Order(long id, int quantity, long fencingToken, String idempotencyKey, long remainingStock) {
    }

    /**
     * @param unitsInEvents units counted by the consumer of {@code inventory.purchased} (de-duplicated by event id)
     */
    public record Product(String id, long initialStock, long finalStock, List<Order> orders, long unitsInEvents) {
    }

    /**
     * @param queued final status of every queued request the workload got a request id for ("applied", "failed", ...)
     */
    public record Counter(String name, long initialValue, long finalValue, Map<String, String> queued) {
    }
}
