package io.safelock.demo.story;

import io.safelock.demo.http.Http;
import io.safelock.demo.http.Reply;
import io.safelock.demo.local.LockNodes;
import io.safelock.demo.story.Report.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Leases over time: a purchase whose work outlives the lease TTL keeps its lock because the lease is
 * extended while it works; a purchase whose lock nodes (a majority) stall past the TTL loses its lease,
 * is told so (409 lock_lost, nothing written) and the next buyer gets the lock with a newer fencing token.
 */
final class LeaseChapter {

    /** The services' default lock.lease-ttl; the demo does not change it. */
    static final int LEASE_TTL_MS = 10_000;
    /** Work of the long purchase: past the first TTL, so it needs the extensions made every third of it. */
    static final int LONG_WORK_MS = 12_000;
    /** Work of the purchase whose nodes stall: long enough that the lease expires while it works. */
    static final int STALLED_WORK_MS = 14_000;
    private static final long LOSS_TIMEOUT_MS = 25_000;

    private final LockNodes nodes;
    private final List<Integer> lockPorts;
    private final Purchases purchases;
    private final Http http;
    private final Report report;
    private final Progress progress;

    LeaseChapter(LockNodes nodes, List<Integer> lockPorts, Purchases purchases, Http http, Report report, Progress progress) {
        this.nodes = nodes;
        this.lockPorts = lockPorts;
        this.purchases = purchases;
        this.http = http;
        this.report = report;
        this.progress = progress;
    }

    void run() {
        extended();
        lost();
    }

    private void extended() {
        String replica = purchases.replicas().get(0);
        progress.step("L1", "lease: one purchase on " + replica + " working " + LONG_WORK_MS / 1000 + " s under a lease of "
                + LEASE_TTL_MS / 1000 + " s (the lease is extended while it works)");
        purchases.reset(SeedScenario.PRODUCT, 1);
        double before = ReplicaMetrics.sum(http, replica, "lock_extensions_total", "group=\"product\"", "outcome=\"ok\"");
        Reply reply = http.post(replica + "/purchase/with-lock/" + SeedScenario.PRODUCT + "?delayMs=" + LONG_WORK_MS, "{\"quantity\": 1}");
        double extensions = ReplicaMetrics.sum(http, replica, "lock_extensions_total", "group=\"product\"", "outcome=\"ok\"") - before;
        long stock = purchases.stock(SeedScenario.PRODUCT);
        progress.detail("HTTP " + reply.status() + " " + reply.body() + "; lease extended " + (long) extensions + " times; stock " + stock);
        boolean sold = reply.status() == 200 && Boolean.TRUE.equals(reply.json().get("success"));
        report.add("L1", "lease: 1 purchase working " + LONG_WORK_MS / 1000 + " s, lease TTL " + LEASE_TTL_MS / 1000 + " s",
                "sold, lease extended", (sold ? "sold" : "HTTP " + reply.status()) + ", " + (long) extensions + " extensions, stock " + stock,
                sold && extensions >= 1 && stock == 0 ? Verdict.PASS : Verdict.FAIL);
    }

    private void lost() {
        int majority = lockPorts.size() / 2 + 1;
        List<Integer> stalled = lockPorts.subList(0, majority);
        String holder = purchases.replicas().get(0);
        String next = purchases.replicas().get(purchases.replicas().size() - 1);
        progress.step("L2", "lease: a purchase on " + holder + " working " + STALLED_WORK_MS / 1000 + " s while " + majority + " of "
                + lockPorts.size() + " lock nodes stall (SIGSTOP) past the " + LEASE_TTL_MS / 1000 + " s TTL; then a buyer on " + next);
        purchases.reset(SeedScenario.PRODUCT, 2);
        double lostBefore = ReplicaMetrics.sum(http, holder, "lock_leases_lost_total", "group=\"product\"");
        CompletableFuture<Reply> stale = CompletableFuture.supplyAsync(() -> http.post(holder + "/purchase/with-lock/"
                + SeedScenario.PRODUCT + "?delayMs=" + STALLED_WORK_MS, "{\"quantity\": 1}"), runnable -> Thread.ofVirtual().start(runnable));
        List<String> paused = new ArrayList<>();
        double lost = 0;
        Reply fresh;
        try {
            awaitHeld(holder);
            for (int port : stalled) {
                paused.add(":" + port + " pid " + nodes.pause(port));
            }
            progress.detail("paused " + String.join(", ", paused) + " while " + holder + " holds the lock");
            long deadline = System.currentTimeMillis() + LOSS_TIMEOUT_MS;
            while (lost < 1 && System.currentTimeMillis() < deadline) {
                sleep(250);
                lost = ReplicaMetrics.sum(http, holder, "lock_leases_lost_total", "group=\"product\"") - lostBefore;
            }
        } finally {
            for (int port : stalled) {
                nodes.resume(port);
            }
        }
        progress.detail("lease lost on " + holder + " (" + (long) lost + "); nodes resumed (SIGCONT)");
        fresh = http.post(next + "/purchase/with-lock/" + SeedScenario.PRODUCT, "{\"quantity\": 1}");
        for (int attempt = 0; attempt < 5 && (fresh.status() == 409 || fresh.status() == 503); attempt++) {
            sleep(200);
            fresh = http.post(next + "/purchase/with-lock/" + SeedScenario.PRODUCT, "{\"quantity\": 1}");
        }
        Reply staleReply = stale.join();
        long stock = purchases.stock(SeedScenario.PRODUCT);
        progress.detail("stale holder: HTTP " + staleReply.status() + " " + staleReply.body());
        progress.detail("next buyer: HTTP " + fresh.status() + " " + fresh.body() + "; stock " + stock);
        boolean refused = staleReply.status() == 409 && "lock_lost".equals(staleReply.text("reason"));
        boolean sold = fresh.status() == 200 && Boolean.TRUE.equals(fresh.json().get("success"));
        report.add("L2", "lease: " + majority + "/" + lockPorts.size() + " nodes stalled past the TTL under a holder", "lost, 409, next buyer sells",
                (lost >= 1 ? "lease lost" : "lease kept") + ", holder " + staleReply.status() + (refused ? " lock_lost" : "")
                        + ", next " + (sold ? "sold" : "HTTP " + fresh.status()) + ", stock " + stock,
                lost >= 1 && refused && sold && stock == 1 ? Verdict.PASS : Verdict.FAIL);
    }

    private void awaitHeld(String replica) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (ReplicaMetrics.sum(http, replica, "lock_held", "group=\"product\"") < 1) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(replica + " did not take the lock within 10 s");
            }
            sleep(50);
        }
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
