package io.safelock.inventory.service;

import io.safelock.inventory.config.InventoryConfig;
import io.safelock.inventory.data.Sale;
import io.safelock.inventory.idempotency.ClaimLostException;
import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.safelock.inventory.idempotency.IdempotencyRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How every strategy writes a sale: {@link Sale}'s one statement (stock change, order, event) and, for a
 * request with an Idempotency-Key, the stored answer in the same transaction. An unkeyed sale is sent on
 * its own, outside any transaction: one round trip and one commit. If any part fails, nothing is written.
 */
@ApplicationScoped
public class PurchaseRecorder {

    private final Pool pool;
    private final Sale sale;
    private final IdempotencyRepository idempotency;
    private final Replies replies;
    private final String routingKey;

    PurchaseRecorder(Pool pool, Sale sale, IdempotencyRepository idempotency, Replies replies, InventoryConfig config) {
        this.pool = pool;
        this.sale = sale;
        this.idempotency = idempotency;
        this.replies = replies;
        this.routingKey = config.events().purchasedRoutingKey();
    }

    /**
     * Sells on the pool: as a single statement, or in a transaction with the claim's completion for a keyed request.
     * Empty when the rule refused the stock change: nothing was written.
     */
    public Uni<Optional<PurchaseOutcome.Purchased>> sell(Sale.Rule rule, PurchaseCommand command, Long fencingToken, IdempotencyClaim claim) {
        return claim == null
                ? sell(pool, rule, command, fencingToken, null)
                : pool.withTransaction(tx -> sell(tx, rule, command, fencingToken, claim));
    }

    /** Sells within the caller's transaction (which must be one when {@code claim} is not null). */
    public Uni<Optional<PurchaseOutcome.Purchased>> sell(SqlClient client, Sale.Rule rule, PurchaseCommand command, Long fencingToken,
                                                         IdempotencyClaim claim) {
        return sale.sell(client, rule, command.productId(), command.quantity(), command.strategy().path(), fencingToken,
                        claim == null ? null : claim.key(), routingKey)
                // the unique key on orders.idempotency_key backs the claim up: a second copy cannot commit either
                .onFailure(SqlErrors::isUniqueViolation).transform(duplicate -> new ClaimLostException(claim == null ? "" : claim.key()))
                .flatMap(sold -> {
                    if (sold.isEmpty()) {
                        return Uni.createFrom().item(Optional.<PurchaseOutcome.Purchased>empty());
                    }
                    long orderId = sold.get().orderId();
                    int remaining = sold.get().remainingStock();
                    Reply reply = replies.ok(successBody(command, orderId, remaining, fencingToken));
                    Optional<PurchaseOutcome.Purchased> purchased = Optional.of(new PurchaseOutcome.Purchased(orderId, remaining, fencingToken, reply));
                    if (claim == null) {
                        return Uni.createFrom().item(purchased);
                    }
                    return idempotency.complete(client, claim, reply.status(), reply.json()).map(stillOurs -> {
                        if (!stillOurs) {
                            throw new ClaimLostException(claim.key());
                        }
                        return purchased;
                    });
                });
    }

    private static Map<String, Object> successBody(PurchaseCommand command, long orderId, int remainingStock, Long fencingToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("message", "Purchase successful (" + command.strategy().label() + ")");
        body.put("duration", command.elapsed().toMillis() + "ms");
        body.put("remaining_stock", remainingStock);
        body.put("order_id", orderId);
        body.put("product_id", command.productId());
        body.put("quantity", command.quantity());
        body.put("strategy", command.strategy().path());
        if (fencingToken != null) {
            body.put("fencing_token", fencingToken);
        }
        return body;
    }
}
