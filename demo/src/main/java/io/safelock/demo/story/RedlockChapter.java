package io.safelock.demo.story;

import io.safelock.demo.http.Http;
import io.safelock.demo.http.Reply;
import io.safelock.demo.local.LockNodes;
import io.safelock.demo.story.Report.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Redlock's fault tolerance, with real crashes: two of five lock nodes killed (SIGKILL, by the PIDs the demo
 * recorded) and the lock still holds; a third killed and the services refuse, with a clear 503, instead of
 * selling without a lock; the nodes restarted from their own data and the services carry on.
 */
final class RedlockChapter {

    static final int DEGRADED_STOCK = 20;
    static final int DEGRADED_BUYERS = 60;
    static final int RECOVERED_STOCK = 5;
    static final int RECOVERED_BUYERS = 15;
    private static final long RECOVERY_TIMEOUT_MS = 60_000;

    private final LockNodes nodes;
    private final List<Integer> lockPorts;
    private final Purchases purchases;
    private final Counters counters;
    private final Http http;
    private final Report report;
    private final Progress progress;

    RedlockChapter(LockNodes nodes, List<Integer> lockPorts, Purchases purchases, Counters counters, Http http, Report report,
                   Progress progress) {
        this.nodes = nodes;
        this.lockPorts = lockPorts;
        this.purchases = purchases;
        this.counters = counters;
        this.http = http;
        this.report = report;
        this.progress = progress;
    }

    void run() throws Exception {
        int n = lockPorts.size();
        List<Integer> victims = List.of(lockPorts.get(n - 1), lockPorts.get(n - 2), lockPorts.get(n - 3));
        try {
            degraded(victims.subList(0, 2), n);
            noQuorum(victims.get(2), n);
        } finally {
            recover(victims);
        }
    }

    private void degraded(List<Integer> killed, int n) throws Exception {
        progress.step("R1", "Redlock: killing 2 of " + n + " lock nodes (SIGKILL) " + kill(killed) + "; quorum " + (n / 2 + 1)
                + " of " + n + " still reachable");
        purchases.reset(SeedScenario.PRODUCT, DEGRADED_STOCK);
        Purchases.Outcome outcome = purchases.buy("with-lock", SeedScenario.PRODUCT, DEGRADED_BUYERS, DEGRADED_BUYERS, null, 3);
        long stock = purchases.stock(SeedScenario.PRODUCT);
        progress.detail(outcome.succeeded() + " sold (" + outcome.successesPerReplica() + "), " + outcome.outOfStock() + " out of stock, "
                + outcome.failed() + " failed, " + outcome.retried() + " retried after 409/503 " + outcome.retriedStatuses() + "; stock " + stock);
        report.add("R1", "Redlock " + (n - 2) + "/" + n + " nodes: stock " + DEGRADED_STOCK + ", " + DEGRADED_BUYERS + " buyers, lock",
                DEGRADED_STOCK + " sold, stock 0", outcome.succeeded() + " sold, stock " + stock
                        + (outcome.retried() > 0 ? ", " + outcome.retried() + " retries" : "")
                        + (outcome.failed() > 0 ? ", " + outcome.failed() + " failed" : ""),
                InventoryChapter.exact(outcome, stock, DEGRADED_STOCK));

        if (!counters.replicas().isEmpty()) {
            progress.step("R2", "Redlock " + (n - 2) + "/" + n + " nodes: counter 'demo-degraded', locked increments from every counter replica");
            counters.reset("demo-degraded");
            Counters.Race race = counters.race("demo-degraded", "locked", 4, 25, CounterChapter.THINK_MS);
            progress.detail("expected +" + race.attempted() + ", counter moved +" + race.actual() + ", lost " + race.lost() + ", refused " + race.failed());
            report.add("R2", "Redlock " + (n - 2) + "/" + n + " nodes: counter locked, " + counters.replicas().size() + "x4x25",
                    "+" + race.attempted(), "+" + race.actual() + ", lost " + race.lost(),
                    race.actual() == race.attempted() && race.failed() == 0 ? Verdict.PASS : Verdict.FAIL);
        }
    }

    private void noQuorum(int port, int n) {
        purchases.reset(SeedScenario.PRODUCT, RECOVERED_STOCK);
        progress.step("R3", "Redlock: killing a third lock node " + kill(List.of(port)) + "; " + (n - 3) + " of " + n
                + " left, below the quorum of " + (n / 2 + 1));
        List<String> answers = new ArrayList<>();
        boolean allRefused = true;
        for (String replica : purchases.replicas()) {
            Reply reply = http.post(replica + "/purchase/with-lock/" + SeedScenario.PRODUCT, "{\"quantity\": 1}");
            boolean refused = reply.status() == 503 && "quorum_unavailable".equals(reply.text("reason"));
            allRefused &= refused;
            answers.add(reply.status() + (reply.text("reason") == null ? "" : " " + reply.text("reason")));
            progress.detail("POST " + replica + "/purchase/with-lock/1 -> HTTP " + reply.status() + " " + reply.body());
        }
        for (String replica : counters.replicas()) {
            Reply reply = counters.increment(replica, "demo-degraded", "locked");
            allRefused &= reply.status() == 503;
            answers.add(reply.status() + (reply.body().contains("quorum unavailable") ? " quorum_unavailable" : ""));
            progress.detail("POST " + replica + "/counters/demo-degraded/increment (locked) -> HTTP " + reply.status() + " " + reply.body());
        }
        long stock = purchases.stock(SeedScenario.PRODUCT);
        Reply ready = http.get(purchases.replicas().get(0) + "/q/health/ready");
        progress.detail("stock still " + stock + "; " + purchases.replicas().get(0) + "/q/health/ready -> HTTP " + ready.status());
        report.add("R3", "Redlock " + (n - 3) + "/" + n + " nodes: 1 purchase/increment per replica",
                "503 quorum unavailable", summarize(answers) + ", stock " + stock + " kept",
                allRefused && stock == RECOVERED_STOCK ? Verdict.PASS : Verdict.FAIL);
    }

    private void recover(List<Integer> killed) {
        progress.step("R4", "Redlock: restarting the killed nodes from their append-only files");
        long t0 = System.currentTimeMillis();
        for (int port : killed) {
            if (nodes.record(port).filter(r -> r.isRunning()).isEmpty()) {
                nodes.start(port);
            }
        }
        boolean ready = awaitReady(t0 + RECOVERY_TIMEOUT_MS);
        long readyAfter = System.currentTimeMillis() - t0;
        progress.detail(ready ? "every replica ready again after " + readyAfter + " ms" : "replicas still not ready after " + readyAfter + " ms");
        purchases.reset(SeedScenario.PRODUCT, RECOVERED_STOCK);
        Purchases.Outcome outcome = purchases.buy("with-lock", SeedScenario.PRODUCT, RECOVERED_BUYERS, RECOVERED_BUYERS, null, 3);
        long stock = purchases.stock(SeedScenario.PRODUCT);
        progress.detail(outcome.succeeded() + " sold, " + outcome.outOfStock() + " out of stock, " + outcome.failed() + " failed; stock " + stock);
        report.add("R4", "Redlock " + lockPorts.size() + "/" + lockPorts.size() + " restarted: stock " + RECOVERED_STOCK + ", "
                        + RECOVERED_BUYERS + " buyers, lock", RECOVERED_STOCK + " sold, stock 0",
                outcome.succeeded() + " sold, stock " + stock + " (ready after " + readyAfter + " ms)",
                ready ? InventoryChapter.exact(outcome, stock, RECOVERED_STOCK) : Verdict.FAIL);
    }

    private String kill(List<Integer> ports) {
        List<String> killed = new ArrayList<>();
        for (int port : ports) {
            killed.add(":" + port + " pid " + nodes.kill(port));
        }
        return String.join(", ", killed);
    }

    private boolean awaitReady(long deadline) {
        List<String> all = new ArrayList<>(purchases.replicas());
        all.addAll(counters.replicas());
        while (System.currentTimeMillis() < deadline) {
            if (all.stream().allMatch(url -> http.get(url + "/q/health/ready").status() == 200)) {
                return true;
            }
            sleep(200);
        }
        return false;
    }

    /** e.g. "4 x 503 quorum_unavailable" when every replica answered alike. */
    private static String summarize(List<String> answers) {
        java.util.Map<String, Long> counted = new java.util.TreeMap<>();
        answers.forEach(a -> counted.merge(a, 1L, Long::sum));
        List<String> parts = new ArrayList<>();
        counted.forEach((answer, count) -> parts.add(count + " x " + answer));
        return String.join(", ", parts);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
