package io.safelock.demo.story;

import io.safelock.demo.story.Report.Verdict;

/** Purchases across the inventory replicas: the oversell without the lock, exact sales with it. */
final class InventoryChapter {

    static final int SEED_BUYERS = 10;
    static final int CROWD = 1000;
    static final int CROWD_STOCK = 100;
    /** Requests in flight at once for the crowd: enough to contend, few enough that none waits out lock.wait-timeout. */
    static final int CROWD_IN_FLIGHT = 40;
    /** Processing delay for the crowd, so 100 serialized sales take seconds, not tens of seconds. */
    static final int CROWD_DELAY_MS = 20;

    private final Purchases purchases;
    private final Report report;
    private final Progress progress;

    InventoryChapter(Purchases purchases, Report report, Progress progress) {
        this.purchases = purchases;
        this.report = report;
        this.progress = progress;
    }

    void run() {
        int replicas = purchases.replicas().size();
        progress.step("I1", "inventory: stock of product 1 reset to 1, " + SEED_BUYERS + " buyers at once WITHOUT the lock, over "
                + replicas + " replicas");
        SeedScenario.Result unlocked = SeedScenario.run(purchases, "without-lock", SEED_BUYERS);
        progress.detail(describe(unlocked));
        boolean oversold = unlocked.succeeded() > 1 && unlocked.finalStock() < 0;
        report.add("I1", "inventory: stock 1, " + SEED_BUYERS + " buyers, NO lock", "1 sold, stock 0",
                unlocked.succeeded() + " sold, stock " + unlocked.finalStock() + (oversold ? " (oversold " + -unlocked.finalStock() + ")" : ""),
                oversold ? Verdict.RACE : Verdict.FAIL);

        progress.step("I2", "inventory: stock reset to 1, " + SEED_BUYERS + " buyers at once WITH the lock (Redlock, 5 nodes)");
        SeedScenario.Result locked = SeedScenario.run(purchases, "with-lock", SEED_BUYERS);
        progress.detail(describe(locked));
        report.add("I2", "inventory: stock 1, " + SEED_BUYERS + " buyers, lock", "1 sold, stock 0",
                locked.succeeded() + " sold, stock " + locked.finalStock(), exact(locked.outcome(), locked.finalStock(), 1));

        progress.step("I3", "inventory: stock reset to " + CROWD_STOCK + ", " + CROWD + " buyers WITH the lock, " + CROWD_IN_FLIGHT
                + " in flight, spread over " + replicas + " replicas (processing delay " + CROWD_DELAY_MS + " ms)");
        purchases.reset(SeedScenario.PRODUCT, CROWD_STOCK);
        long t0 = System.nanoTime();
        Purchases.Outcome crowd = purchases.buy("with-lock", SeedScenario.PRODUCT, CROWD, CROWD_IN_FLIGHT, CROWD_DELAY_MS, 20);
        long stock = purchases.stock(SeedScenario.PRODUCT);
        double seconds = (System.nanoTime() - t0) / 1e9;
        progress.detail(crowd.succeeded() + " sold (" + crowd.successesPerReplica() + "), " + crowd.outOfStock() + " out of stock, "
                + crowd.failed() + " failed, " + crowd.retried() + " retried after 409/503; stock " + stock
                + String.format(" (%.1f s)", seconds));
        failures(crowd);
        report.add("I3", "inventory: stock " + CROWD_STOCK + ", " + CROWD + " buyers, lock",
                CROWD_STOCK + " sold, stock 0",
                crowd.succeeded() + " sold, " + crowd.outOfStock() + " out of stock, stock " + stock
                        + (crowd.failed() > 0 ? ", " + crowd.failed() + " failed" : ""),
                exact(crowd, stock, CROWD_STOCK));
    }

    static Verdict exact(Purchases.Outcome outcome, long finalStock, int units) {
        return outcome.succeeded() == units && finalStock == 0 && outcome.failed() == 0 ? Verdict.PASS : Verdict.FAIL;
    }

    private String describe(SeedScenario.Result result) {
        Purchases.Outcome outcome = result.outcome();
        failures(outcome);
        return outcome.succeeded() + " bought (" + outcome.successesPerReplica() + "), " + outcome.outOfStock() + " told out of stock, "
                + outcome.failed() + " failed" + (outcome.retried() > 0 ? ", " + outcome.retried() + " retried after 409/503" : "")
                + "; stock now " + result.finalStock();
    }

    private void failures(Purchases.Outcome outcome) {
        outcome.failures().stream().limit(3).forEach(f -> progress.detail("unexpected answer: HTTP " + f.status() + " " + f.body()));
    }
}
