package io.safelock.counter.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.safelock.counter.events.Settle;
import io.safelock.counter.metrics.CounterMetrics;
import io.safelock.counter.metrics.CounterMetrics.Source;
import io.safelock.counter.service.InputRules;
import io.safelock.counter.store.CounterStore;
import io.safelock.counter.store.Keys;
import io.safelock.counter.store.OnceResult;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import jakarta.inject.Singleton;
import java.io.IOException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Counts units sold per product from the inventory service's {@code inventory.purchased} events (channel
 * {@code inventory-purchased}). The durable queue is shared by all replicas; each event is added once by its
 * id (marker and total change in one Redis script) and acknowledged afterwards, so redeliveries after a
 * crash or a broker outage are absorbed. No lock: the script is atomic and nothing else writes these totals.
 */
@Singleton
public class InventoryConsumer {

    private static final Logger LOG = Logger.getLogger(InventoryConsumer.class);

    private final CounterStore store;
    private final Keys keys;
    private final InputRules rules;
    private final CounterMetrics metrics;
    private final ObjectMapper json;
    private final CounterConfig.Rabbit config;
    private final String replica;

    public InventoryConsumer(CounterStore store, Keys keys, InputRules rules, CounterMetrics metrics, ObjectMapper json,
                             CounterConfig config, Replica replica) {
        this.store = store;
        this.keys = keys;
        this.rules = rules;
        this.metrics = metrics;
        this.json = json;
        this.config = config.rabbitmq();
        this.replica = replica.name();
    }

    public Uni<UnitsSold> unitsSold(String productId) {
        return store.getKey(keys.unitsSold(productId)).map(total -> new UnitsSold(productId, total));
    }

    @Incoming("inventory-purchased")
    public Uni<Void> consume(Message<byte[]> message) {
        InventoryPurchased event;
        long quantity;
        try {
            event = json.readValue(message.getPayload(), InventoryPurchased.class);
            rules.name("eventId", event.eventId());
            rules.name("productId", event.productId());
            if (event.quantity() == null || event.quantity() < 1) {
                throw new IllegalArgumentException("quantity must be positive but was " + event.quantity());
            }
            quantity = event.quantity();
        } catch (IOException | RuntimeException e) {
            LOG.warnf("[%s] rejecting an invalid inventory.purchased event: %s", replica, e.getMessage());
            return Settle.reject(message, e);
        }
        return store.countOnce(keys.unitsSold(event.productId()), quantity, keys.inventoryEvent(event.eventId()), config.dedupWindow())
                .onItem().transformToUni(result -> {
                    if (result.outcome() == OnceResult.Outcome.APPLIED) {
                        metrics.consumed(Source.INVENTORY);
                        LOG.debugf("[%s] product %s sold %d (event %s), total %d", replica, event.productId(), quantity,
                                event.eventId(), result.value());
                    } else {
                        metrics.duplicate(Source.INVENTORY);
                        LOG.infof("[%s] inventory event %s had been counted already (redelivered: %s)", replica, event.eventId(),
                                message.getMetadata(IncomingRabbitMQMetadata.class).map(IncomingRabbitMQMetadata::isRedeliver).orElse(false));
                    }
                    return Settle.ack(message);
                })
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("[%s] could not count inventory event %s, handing it back: %s", replica, event.eventId(), failure.toString());
                    return Settle.retryLater(message, failure, config.retryDelay());
                });
    }
}
