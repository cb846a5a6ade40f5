package io.safelock.inventory.service;

import io.safelock.inventory.config.InventoryConfig;
import io.safelock.inventory.data.NewOrder;
import io.safelock.inventory.data.OrderRepository;
import io.safelock.inventory.events.OutboxRepository;
import io.safelock.inventory.events.PurchasedEvent;
import io.safelock.inventory.idempotency.ClaimLostException;
import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.safelock.inventory.idempotency.IdempotencyRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Everything a purchase writes besides the stock, inside the stock change's transaction: the order,
 * the {@code inventory.purchased} event in the outbox and, for a keyed request, its stored answer.
 * If any of it fails the stock change rolls back with it.
 */
@ApplicationScoped
public class PurchaseRecorder {

    private final OrderRepository orders;
    private final OutboxRepository outbox;
    private final IdempotencyRepository idempotency;
    private final Replies replies;
    private final String routingKey;

    PurchaseRecorder(OrderRepository orders, OutboxRepository outbox, IdempotencyRepository idempotency, Replies replies,
                     InventoryConfig config) {
        this.orders = orders;
        this.outbox = outbox;
        this.idempotency = idempotency;
        this.replies = replies;
        this.routingKey = config.events().purchasedRoutingKey();
    }

    public Uni<PurchaseOutcome.Purchased> record(SqlClient tx, PurchaseCommand command, BigDecimal unitPrice, int remainingStock,
                                                 Long fencingToken, IdempotencyClaim claim) {
        NewOrder order = new NewOrder(command.productId(), command.quantity(), unitPrice, command.strategy().path(),
                remainingStock, fencingToken, claim == null ? null : claim.key());
        return orders.insert(tx, order)
                // the unique key on orders.idempotency_key backs the claim up: a second copy cannot commit either
                .onFailure(SqlErrors::isUniqueViolation).transform(duplicate -> new ClaimLostException(claim == null ? "" : claim.key()))
                .flatMap(orderId -> {
            PurchasedEvent event = new PurchasedEvent(UUID.randomUUID(), PurchasedEvent.TYPE, command.productId(),
                    command.quantity(), orderId, remainingStock, command.strategy().path(), Instant.now());
            Reply reply = replies.ok(successBody(command, orderId, remainingStock, fencingToken));
            PurchaseOutcome.Purchased purchased = new PurchaseOutcome.Purchased(orderId, remainingStock, fencingToken, reply);
            Uni<Void> eventWritten = outbox.insert(tx, event.eventId(), PurchasedEvent.TYPE, routingKey, replies.json(event));
            if (claim == null) {
                return eventWritten.replaceWith(purchased);
            }
            return eventWritten
                    .flatMap(v -> idempotency.complete(tx, claim, reply.status(), reply.json()))
                    .map(stillOurs -> {
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
