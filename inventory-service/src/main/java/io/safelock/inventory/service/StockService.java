package io.safelock.inventory.service;

import io.safelock.inventory.data.FenceClaim;
import io.safelock.inventory.data.ProductRepository;
import io.safelock.inventory.data.StockGuardRepository;
import io.safelock.inventory.data.StockGuardRepository.ReportLine;
import io.safelock.lock.LockException;
import io.safelock.lock.LockName;
import io.safelock.lock.Locks;
import io.safelock.lock.primitives.HoldGuard;
import io.safelock.lock.primitives.LockPrimitives;
import io.safelock.lock.quarkus.LockFailure;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stock reads, the stock report and the admin stock changes (the seed's {@code /stock} routes and more).
 *
 * <p>The stock levels as a whole are guarded by the read/write lock {@link #STOCK_LEVELS} across the
 * replica group: a report takes the read side, every admin stock change (a reset of one product, a reset
 * of all) the write side, so a report never sees an admin change half done and an admin change waits for
 * the reports under way. Purchases take no part in it: they are serialized per product by the product's
 * lock, and a report shows them as one database snapshot saw them. The fencing tokens of the read/write
 * lock meet at the {@code stock_guard} row (see {@link StockGuardRepository}).
 */
@ApplicationScoped
public class StockService {

    /** The read/write lock of the stock levels as a whole. */
    public static final LockName STOCK_LEVELS = LockName.of("stock", "all");

    private final ProductRepository products;
    private final StockGuardRepository guard;
    private final Locks locks;
    private final LockPrimitives primitives;
    private final Replies replies;

    StockService(ProductRepository products, StockGuardRepository guard, Locks locks, LockPrimitives primitives, Replies replies) {
        this.products = products;
        this.guard = guard;
        this.locks = locks;
        this.primitives = primitives;
        this.replies = replies;
    }

    public Uni<Reply> stock(long productId) {
        return products.find(productId).map(found -> found
                .map(product -> replies.ok(body("productId", Long.toString(productId), "stock", product.stock())))
                .orElseGet(() -> notFound(productId)));
    }

    /**
     * Every product's stock, units sold and orders, under the read side: waits while an admin stock change
     * runs (and keeps new ones waiting while it reads). Before reading it raises the guard to its token, so a
     * writer whose lease ran out cannot write any more. Lock failures go to the lock failure mapper (409/503).
     */
    public Uni<Reply> report() {
        return primitives.readWrite().withReadLock(STOCK_LEVELS, ttl(), waitTimeout(), read ->
                guard.raise(read.fencingToken()).flatMap(raised -> guard.report()).map(lines -> {
                    read.ensureHeld();
                    return replies.ok(report(lines, read.fencingToken()));
                }));
    }

    private static Map<String, Object> report(List<ReportLine> lines, long token) {
        List<Map<String, Object>> items = new ArrayList<>(lines.size());
        long stock = 0;
        long units = 0;
        long orders = 0;
        for (ReportLine line : lines) {
            items.add(body("productId", line.productId(), "name", line.name(), "stock", line.stock(), "unitsSold", line.unitsSold(),
                    "orders", line.orders()));
            stock += line.stock();
            units += line.unitsSold();
            orders += line.orders();
        }
        return body("products", items, "totals", body("products", lines.size(), "stock", stock, "unitsSold", units, "orders", orders),
                "fencingToken", token, "takenAt", Instant.now().toString());
    }

    /**
     * Sets one product's stock under the write side and the product's lock, claiming the row for the
     * product lock's fencing token in the same statement: holders that acquired before the reset can no
     * longer write after it. The fence never falls: a reset whose token is not greater than the row's fence
     * (its holder was paused past its lease and a newer holder claimed the row) writes nothing and answers
     * 409 lock lost; so does a reset whose write lease ran out while a report or another writer came in
     * (the guard refuses its writer token). Any other lock failure is left to the lock failure mapper.
     */
    public Uni<Reply> reset(long productId, int stock) {
        return primitives.readWrite().withWriteLock(STOCK_LEVELS, ttl(), waitTimeout(), write ->
                guard.claim(write.fencingToken()).flatMap(refused -> refused != null
                        ? Uni.createFrom().item(replies.error(guardRefused(write.fencingToken(), refused.recorded())))
                        : resetUnderProductLock(productId, stock, write)));
    }

    private Uni<Reply> resetUnderProductLock(long productId, int stock, HoldGuard write) {
        return locks.withLock(productLock(productId), product -> {
            write.ensureHeld();
            return products.reset(productId, stock, product.fencingToken()).map(claim -> switch (claim) {
                case FenceClaim.Claimed claimed -> replies.ok(body("message", "Stock reset", "productId", Long.toString(productId),
                        "stock", claimed.product().stock()));
                case FenceClaim.Fenced fenced -> replies.error(LockFailure.fencedOut(
                        Fences.refusal(productId, fenced.presented(), fenced.recorded()), fenced.presented()));
                case FenceClaim.NotFound notFound -> notFound(productId);
            });
        });
    }

    /**
     * Sets every product's stock, one product after the other, each under its own lock and fenced at its
     * row like a single reset, all under the write side: no report sees some products reset and others not.
     * It stops at the first product it cannot reset (lock busy past the wait, quorum lost, fence refused,
     * write lease lost) and answers the failure with how far it got ({@code products_reset}): the products
     * before it are reset, the rest not; run it again.
     */
    public Uni<Reply> resetAll(int stock) {
        return primitives.readWrite().withWriteLock(STOCK_LEVELS, ttl(), waitTimeout(), write ->
                guard.claim(write.fencingToken()).flatMap(refused -> refused != null
                        ? Uni.createFrom().item(replies.error(guardRefused(write.fencingToken(), refused.recorded())))
                        : guard.productIds().flatMap(ids -> resetEach(ids, 0, stock, write))));
    }

    private Uni<Reply> resetEach(List<Long> ids, int done, int stock, HoldGuard write) {
        if (done == ids.size()) {
            return Uni.createFrom().item(replies.ok(body("message", "Stock reset", "stock", stock, "products", ids.size(),
                    "fencingToken", write.fencingToken())));
        }
        long productId = ids.get(done);
        return Uni.createFrom().deferred(() -> {
                    write.ensureHeld();
                    return locks.withLock(productLock(productId), product ->
                            guard.resetGuarded(productId, stock, product.fencingToken(), write.fencingToken()));
                })
                .map(Object.class::cast)
                .onFailure(LockException.class).recoverWithItem(failure -> new Stopped(LockFailure.of((LockException) failure)))
                .flatMap(result -> switch (result) {
                    case FenceClaim.Claimed claimed -> resetEach(ids, done + 1, stock, write);
                    case FenceClaim.NotFound notFound -> resetEach(ids, done + 1, stock, write);
                    case FenceClaim.Fenced fenced -> Uni.createFrom().item(stopped(
                            fenced.presented() == write.fencingToken()
                                    ? guardRefused(write.fencingToken(), fenced.recorded())
                                    : LockFailure.fencedOut(Fences.refusal(productId, fenced.presented(), fenced.recorded()), fenced.presented()),
                            done, ids.size()));
                    case Stopped stopped -> Uni.createFrom().item(stopped(stopped.failure(), done, ids.size()));
                    default -> throw new IllegalStateException("unexpected " + result);
                });
    }

    /** A lock failure while resetting one product of many, carried to the answer with the progress. */
    private record Stopped(LockFailure failure) { }

    private Reply stopped(LockFailure failure, int done, int total) {
        Map<String, Object> body = new LinkedHashMap<>(failure.body());
        body.put("error", failure.body().get("error") + " (stopped after " + done + " of " + total + " products)");
        body.put("products_reset", done);
        body.put("products_total", total);
        return replies.error(new LockFailure(failure.status(), failure.reason(), body));
    }

    private static LockFailure guardRefused(long writerToken, long recorded) {
        return LockFailure.fencedOut("the stock levels were read or changed under fencing token " + recorded
                + " since this change's write lock (fencing token " + writerToken + ") was granted: its lease ran out", writerToken);
    }

    private static LockName productLock(long productId) {
        return LockName.of("product", Long.toString(productId));
    }

    private Duration ttl() {
        return locks.leaseTtl();
    }

    private Duration waitTimeout() {
        return locks.waitTimeout();
    }

    private Reply notFound(long productId) {
        return replies.error(404, "Product not found", Map.of("productId", Long.toString(productId)));
    }

    private static Map<String, Object> body(Object... keysAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            body.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return body;
    }
}
