package io.safelock.inventory.service;

import io.safelock.inventory.data.FenceClaim;
import io.safelock.inventory.data.ProductRepository;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.LockName;
import io.safelock.lock.quarkus.LockFailure;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/** Stock reads and resets (the seed's {@code /stock} routes). */
@ApplicationScoped
public class StockService {

    private final ProductRepository products;
    private final DistributedLocks locks;
    private final Replies replies;

    StockService(ProductRepository products, DistributedLocks locks, Replies replies) {
        this.products = products;
        this.locks = locks;
        this.replies = replies;
    }

    public Uni<Reply> stock(long productId) {
        return products.find(productId).map(found -> found
                .map(product -> replies.ok(body("productId", Long.toString(productId), "stock", product.stock())))
                .orElseGet(() -> notFound(productId)));
    }

    /**
     * Sets the stock while holding the product's lock, claiming the row for that lock's fencing token in
     * the same statement: holders that acquired before the reset can no longer write after it. The fence
     * never falls: a reset whose token is not greater than the row's fence (its holder was paused past its
     * lease and a newer holder claimed the row) writes nothing and answers 409 lock lost. Any other lock
     * failure is left to the routes' lock failure mapper (409 or 503).
     */
    public Uni<Reply> reset(long productId, int stock) {
        return locks.withLock(LockName.of("product", Long.toString(productId)), guard ->
                products.reset(productId, stock, guard.fencingToken()).map(claim -> switch (claim) {
                    case FenceClaim.Claimed claimed -> replies.ok(body("message", "Stock reset", "productId", Long.toString(productId),
                            "stock", claimed.product().stock()));
                    case FenceClaim.Fenced fenced -> replies.error(LockFailure.fencedOut(
                            Fences.refusal(productId, fenced.presented(), fenced.recorded()), fenced.presented()));
                    case FenceClaim.NotFound notFound -> notFound(productId);
                }));
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
