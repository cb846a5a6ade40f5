package io.safelock.inventory.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus: {@code inventory_purchases_total{strategy,outcome}},
 * {@code inventory_purchase_seconds{strategy,outcome}} (histogram), {@code inventory_units_sold_total{strategy}},
 * {@code inventory_oversold_units_total{strategy}} (units sold beyond the stock: must stay 0 for every
 * strategy but without-lock), {@code inventory_fence_refusals_total{strategy}} (a stale lock holder's
 * claim or write refused by the product row's fencing token: the lock alone would have let it through)
 * and {@code inventory_idempotent_replays_total}.
 */
@ApplicationScoped
public class PurchaseMetrics {

    private final MeterRegistry registry;
    private final Counter replays;
    // Meters looked up once per (strategy, outcome): a builder and registry lookup per purchase cost
    // more allocations and hashing than the purchase's own bookkeeping.
    private final Map<String, Map<String, Outcome>> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Counter> unitsSold = new ConcurrentHashMap<>();

    private record Outcome(Counter count, Timer latency) {
    }

    PurchaseMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.replays = Counter.builder("inventory.idempotent.replays")
                .description("Requests answered with the stored result of an earlier request with the same Idempotency-Key")
                .register(registry);
    }

    public void purchase(String strategy, String outcome, Duration took) {
        Outcome meters = outcomes.computeIfAbsent(strategy, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> register(strategy, o));
        meters.count().increment();
        meters.latency().record(took);
    }

    private Outcome register(String strategy, String outcome) {
        Counter count = Counter.builder("inventory.purchases").description("Purchase attempts by strategy and outcome")
                .tag("strategy", strategy).tag("outcome", outcome).register(registry);
        Timer latency = Timer.builder("inventory.purchase").description("Purchase latency by strategy and outcome")
                .tag("strategy", strategy).tag("outcome", outcome)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        return new Outcome(count, latency);
    }

    public void sold(String strategy, int units) {
        unitsSold.computeIfAbsent(strategy, s -> Counter.builder("inventory.units.sold").description("Units sold by strategy")
                .tag("strategy", s).register(registry)).increment(units);
    }

    public void oversold(String strategy, int units) {
        oversoldCounter(strategy).increment(units);
    }

    public void fenceRefused(String strategy) {
        fenceRefusals(strategy).increment();
    }

    /**
     * Registers the oversold counter (and, for a strategy that takes the lock, the fence refusals) at 0 so
     * dashboards and alerts see the series before anything goes wrong.
     */
    public void registerStrategy(String strategy, boolean fenced) {
        oversoldCounter(strategy);
        if (fenced) {
            fenceRefusals(strategy);
        }
    }

    public void replayed() {
        replays.increment();
    }

    private Counter fenceRefusals(String strategy) {
        return Counter.builder("inventory.fence.refusals")
                .description("Stale lock holders' claims or writes refused by the product row's fencing token")
                .tag("strategy", strategy).register(registry);
    }

    private Counter oversoldCounter(String strategy) {
        return Counter.builder("inventory.oversold.units")
                .description("Units sold beyond the available stock (stock driven below zero)")
                .tag("strategy", strategy).register(registry);
    }
}
