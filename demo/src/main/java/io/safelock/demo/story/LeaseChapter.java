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
 * is told so (409 lock_lost, nothing written) and the next buyer gets the lock with a newer fencing token;
 * a purchase that does not extend its lease through the same stall is stopped by the fencing token at
 * the product row instead (409, counted in {@code inventory_fence_refusals_total}).
 */
final class LeaseChapter {

    /** The services' default lock.lease-ttl; the demo does not change it. */
    static final int LEASE_TTL_MS = 10_000;
    /** Work of the long purchase: past the first TTL, so it needs the extensions made every third of it. */
    static final int LONG_WORK_MS = 12_000;
    /** Work of the purchase whose nodes stall: long enough that the lease expires while it works. */
    static final int STALLED_WORK_MS = 14_000;
    /**
     * Work of the purchase that does not extend its lease: it outlives the stall and the takeover after it,
     * so its write comes last and meets the newer holder's fencing token.
     */
    static final int FENCED_WORK_MS = 16_000;
    /** A second sample product, so the fenced holder does not queue behind the other one. */
    static final long FENCED_PRODUCT = 2;
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

    /**
     * Two holders while a majority of the lock nodes stall past the TTL: one keeps its lease (the default)
     * and is told it lost it before writing; the other holds it for one TTL only ({@code ?extend=false}, a
     * holder without a lease keeper, as after a GC pause) and goes on working. Once the nodes are back a
     * buyer takes the second product's lock with a newer fencing token and sells; the stale holder's write
     * then reaches the product row with its old token and the row refuses it.
     */
    private void lost() {
        int majority = lockPorts.size() / 2 + 1;
        List<Integer> stalled = lockPorts.subList(0, majority);
        String holder = purchases.replicas().get(0);
        String next = purchases.replicas().get(purchases.replicas().size() - 1);
        String fencedHolder = next;
        progress.step("L2", "lease: a purchase on " + holder + " working " + STALLED_WORK_MS / 1000 + " s, and one on " + fencedHolder
                + " working " + FENCED_WORK_MS / 1000 + " s without extending its lease, while " + majority + " of " + lockPorts.size()
                + " lock nodes stall (SIGSTOP) past the " + LEASE_TTL_MS / 1000 + " s TTL; then buyers on " + holder + " and " + next);
        purchases.reset(SeedScenario.PRODUCT, 2);
        purchases.reset(FENCED_PRODUCT, 1);
        double lostBefore = ReplicaMetrics.sum(http, holder, "lock_leases_lost_total", "group=\"product\"");
        double refusedBefore = ReplicaMetrics.sum(http, fencedHolder, "inventory_fence_refusals_total", "strategy=\"with-lock\"");
        CompletableFuture<Reply> stale = async(holder + "/purchase/with-lock/" + SeedScenario.PRODUCT + "?delayMs=" + STALLED_WORK_MS);
        awaitHeld(holder, 1);
        CompletableFuture<Reply> unextended = async(fencedHolder + "/purchase/with-lock/" + FENCED_PRODUCT
                + "?extend=false&delayMs=" + FENCED_WORK_MS);
        awaitHeld(fencedHolder, fencedHolder.equals(holder) ? 2 : 1);
        List<String> paused = new ArrayList<>();
        double lost = 0;
        try {
            for (int port : stalled) {
                paused.add(":" + port + " pid " + nodes.pause(port));
            }
            progress.detail("paused " + String.join(", ", paused) + " while both hold their locks");
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
        // the unextended holder is still working: the takeover must write before it does
        Reply takeover = buyUntilAnswered(holder + "/purchase/with-lock/" + FENCED_PRODUCT);
        Reply fresh = buyUntilAnswered(next + "/purchase/with-lock/" + SeedScenario.PRODUCT);
        Reply staleReply = stale.join();
        Reply fencedReply = unextended.join();
        long stock = purchases.stock(SeedScenario.PRODUCT);
        long fencedStock = purchases.stock(FENCED_PRODUCT);
        double refused = ReplicaMetrics.sum(http, fencedHolder, "inventory_fence_refusals_total", "strategy=\"with-lock\"") - refusedBefore;
        progress.detail("stale holder: HTTP " + staleReply.status() + " " + staleReply.body());
        progress.detail("next buyer: HTTP " + fresh.status() + " " + fresh.body() + "; stock " + stock);
        progress.detail("takeover of product " + FENCED_PRODUCT + ": HTTP " + takeover.status() + " " + takeover.body());
        progress.detail("unextended holder: HTTP " + fencedReply.status() + " " + fencedReply.body() + "; stock " + fencedStock
                + "; fence refusals counted " + (long) refused);
        boolean told = staleReply.status() == 409 && "lock_lost".equals(staleReply.text("reason"));
        boolean sold = fresh.status() == 200 && Boolean.TRUE.equals(fresh.json().get("success"));
        report.add("L2", "lease: " + majority + "/" + lockPorts.size() + " nodes stalled past the TTL under a holder", "lost, 409, next buyer sells",
                (lost >= 1 ? "lease lost" : "lease kept") + ", holder " + staleReply.status() + (told ? " lock_lost" : "")
                        + ", next " + (sold ? "sold" : "HTTP " + fresh.status()) + ", stock " + stock,
                lost >= 1 && told && sold && stock == 1 ? Verdict.PASS : Verdict.FAIL);
        boolean tookOver = takeover.status() == 200 && Boolean.TRUE.equals(takeover.json().get("success"));
        boolean fenced = fencedReply.status() == 409 && "lock_lost".equals(fencedReply.text("reason"))
                && fencedReply.body().contains("fencing token");
        report.add("L3", "fence: a holder not extending its lease, same stall, writes after a newer holder sold",
                "newer sells, stale write refused (409), counted",
                "newer " + (tookOver ? "sold" : "HTTP " + takeover.status()) + ", stale " + fencedReply.status()
                        + (fenced ? " refused by the fence" : "") + ", " + (long) refused + " refusal, stock " + fencedStock,
                tookOver && fenced && refused >= 1 && fencedStock == 0 ? Verdict.PASS : Verdict.FAIL);
    }

    private CompletableFuture<Reply> async(String url) {
        return CompletableFuture.supplyAsync(() -> http.post(url, "{\"quantity\": 1}"), runnable -> Thread.ofVirtual().start(runnable));
    }

    /** A buyer right after the nodes resumed: busy (409) or unavailable (503) answers are tried again a few times. */
    private Reply buyUntilAnswered(String url) {
        Reply reply = http.post(url, "{\"quantity\": 1}");
        for (int attempt = 0; attempt < 5 && (reply.status() == 409 || reply.status() == 503); attempt++) {
            sleep(200);
            reply = http.post(url, "{\"quantity\": 1}");
        }
        return reply;
    }

    private void awaitHeld(String replica, int leases) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (ReplicaMetrics.sum(http, replica, "lock_held", "group=\"product\"") < leases) {
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
