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

    void run() throws Exception {
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

        reportsWhileResetsRun();
        boundedCheckouts();
    }

    /** Reports taken from every replica while this many resets of all products run. */
    static final int RESETS_OF_ALL = 5;
    static final int CHECKOUT_STOCK = 40;
    static final int CHECKOUT_BUYERS = 200;
    /** More buyers in flight than checkout permits (16 by default), so some wait in line for one. */
    static final int CHECKOUT_IN_FLIGHT = 48;

    /**
     * I4: reports (read side of stock:all) keep coming from every replica while resets of all products
     * (write side, one product after the other) run: each report must show every product at one value.
     */
    private void reportsWhileResetsRun() throws Exception {
        int replicas = purchases.replicas().size();
        progress.step("I4", "inventory: stock reports from " + replicas + " replicas in a loop while " + RESETS_OF_ALL
                + " resets of ALL products run (read/write lock stock:all)");
        java.util.concurrent.atomic.AtomicBoolean resetting = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger reports = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger halfDone = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<String> problems = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        // every product at one value first, so that any report with two values shows a reset half done
        io.safelock.demo.http.Reply first = purchases.resetAll(100);
        if (first.status() != 200) {
            problems.add("reset of all products: HTTP " + first.status() + " " + first.body());
        }
        int resetsDone = 0;
        try (java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (String replica : purchases.replicas()) {
                readers.submit(() -> {
                    while (resetting.get()) {
                        io.safelock.demo.http.Reply reply = purchases.report(replica);
                        if (reply.status() != 200) {
                            problems.add("report: HTTP " + reply.status() + " " + reply.body());
                            continue;
                        }
                        java.util.Set<Object> values = new java.util.TreeSet<>();
                        for (Object product : (java.util.List<?>) reply.json().get("products")) {
                            values.add(((java.util.Map<?, ?>) product).get("stock").toString());
                        }
                        reports.incrementAndGet();
                        if (values.size() > 1 && halfDone.incrementAndGet() <= 3) {
                            problems.add("a report from " + replica + " showed stocks " + values);
                        }
                    }
                    return null;
                });
            }
            try {
                for (int round = 1; round <= RESETS_OF_ALL; round++) {
                    io.safelock.demo.http.Reply reply = purchases.resetAll(100 + round * 10);
                    if (reply.status() == 200) {
                        resetsDone++;
                    } else {
                        problems.add("reset of all products: HTTP " + reply.status() + " " + reply.body());
                    }
                }
            } finally {
                resetting.set(false);
            }
        }
        problems.stream().limit(3).forEach(p -> progress.detail("unexpected answer: " + p));
        progress.detail(reports.get() + " reports, " + halfDone.get() + " showed a reset half done; " + resetsDone + " of "
                + RESETS_OF_ALL + " resets of all products done");
        report.add("I4", "inventory: stock reports (read lock) while " + RESETS_OF_ALL + " resets of all products run (write lock)",
                "no report half reset", reports.get() + " reports, " + halfDone.get() + " half reset, " + resetsDone + "/" + RESETS_OF_ALL
                        + " resets", halfDone.get() == 0 && problems.isEmpty() && reports.get() > 0 && resetsDone == RESETS_OF_ALL
                        ? Verdict.PASS : Verdict.FAIL);
    }

    /** I5: a crowd on the seed's /buy, each checkout holding one of the replica group's checkout permits. */
    private void boundedCheckouts() {
        int replicas = purchases.replicas().size();
        progress.step("I5", "inventory: stock reset to " + CHECKOUT_STOCK + ", " + CHECKOUT_BUYERS + " buyers on /buy, " + CHECKOUT_IN_FLIGHT
                + " in flight over " + replicas + " replicas, checkouts bounded by the semaphore checkout:buy");
        purchases.reset(SeedScenario.PRODUCT, CHECKOUT_STOCK);
        long t0 = System.nanoTime();
        Purchases.Outcome crowd = purchases.checkout(SeedScenario.PRODUCT, CHECKOUT_BUYERS, CHECKOUT_IN_FLIGHT, CROWD_DELAY_MS, 20);
        long stock = purchases.stock(SeedScenario.PRODUCT);
        progress.detail(crowd.succeeded() + " sold (" + crowd.successesPerReplica() + "), " + crowd.outOfStock() + " out of stock, "
                + crowd.failed() + " failed, " + crowd.retried() + " retried after 409/503 " + crowd.retriedStatuses() + "; stock " + stock
                + String.format(" (%.1f s)", (System.nanoTime() - t0) / 1e9));
        failures(crowd);
        report.add("I5", "inventory: stock " + CHECKOUT_STOCK + ", " + CHECKOUT_BUYERS + " buyers on /buy, bounded checkouts",
                CHECKOUT_STOCK + " sold, stock 0",
                crowd.succeeded() + " sold, " + crowd.outOfStock() + " out of stock, stock " + stock
                        + (crowd.failed() > 0 ? ", " + crowd.failed() + " failed" : ""),
                exact(crowd, stock, CHECKOUT_STOCK));
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
