package io.safelock.counter.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.safelock.counter.events.QueueArguments;
import io.safelock.counter.metrics.CounterMetrics;
import io.safelock.counter.metrics.CounterMetrics.Source;
import io.safelock.counter.rabbit.Delivery;
import io.safelock.counter.rabbit.RabbitConnector;
import io.safelock.counter.rabbit.RabbitParticipant;
import io.safelock.counter.service.InputRules;
import io.safelock.counter.store.CounterStore;
import io.safelock.counter.store.Keys;
import io.safelock.counter.store.OnceResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Singleton;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Counts units sold per product from the inventory service's {@code inventory.purchased} events. The
 * durable queue is shared by all replicas; each event is added once by its id (marker and total change in
 * one Redis script) and acknowledged afterwards, so redeliveries after a crash or a broker outage are
 * absorbed. No lock: the script is atomic and nothing else writes these totals.
 */
@Singleton
public class InventoryConsumer implements RabbitParticipant {

    private static final Logger LOG = Logger.getLogger(InventoryConsumer.class);

    private final CounterStore store;
    private final Keys keys;
    private final InputRules rules;
    private final CounterMetrics metrics;
    private final RabbitConnector connector;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final CounterConfig.Rabbit config;
    private final String replica;

    public InventoryConsumer(CounterStore store, Keys keys, InputRules rules, CounterMetrics metrics, RabbitConnector connector,
                             ObjectMapper json, Vertx vertx, CounterConfig config, Replica replica) {
        this.store = store;
        this.keys = keys;
        this.rules = rules;
        this.metrics = metrics;
        this.connector = connector;
        this.json = json;
        this.vertx = vertx;
        this.config = config.rabbitmq();
        this.replica = replica.name();
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public void connected(Connection connection) throws IOException {
        Channel channel = connection.createChannel();
        channel.basicQos(config.prefetch());
        channel.exchangeDeclare(config.inventoryExchange(), BuiltinExchangeType.TOPIC, true);
        channel.queueDeclare(config.inventoryQueue(), true, false, false, QueueArguments.durable(config));
        channel.queueBind(config.inventoryQueue(), config.inventoryExchange(), config.inventoryRoutingKey());
        channel.basicConsume(config.inventoryQueue(), false, "inventory", new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                received(new Delivery(channel, envelope.getDeliveryTag(), envelope.isRedeliver(), connector), body);
            }
        });
    }

    public Uni<UnitsSold> unitsSold(String productId) {
        return store.getKey(keys.unitsSold(productId)).map(total -> new UnitsSold(productId, total));
    }

    private void received(Delivery delivery, byte[] body) {
        InventoryPurchased event;
        long quantity;
        try {
            event = json.readValue(body, InventoryPurchased.class);
            rules.name("eventId", event.eventId());
            rules.name("productId", event.productId());
            if (event.quantity() == null || event.quantity() < 1) {
                throw new IllegalArgumentException("quantity must be positive but was " + event.quantity());
            }
            quantity = event.quantity();
        } catch (IOException | RuntimeException e) {
            LOG.warnf("[%s] rejecting an invalid inventory.purchased event: %s", replica, e.getMessage());
            delivery.reject();
            return;
        }
        store.countOnce(keys.unitsSold(event.productId()), quantity, keys.inventoryEvent(event.eventId()), config.dedupWindow())
                .subscribe().with(result -> {
                    if (result.outcome() == OnceResult.Outcome.APPLIED) {
                        metrics.consumed(Source.INVENTORY);
                        LOG.debugf("[%s] product %s sold %d (event %s), total %d", replica, event.productId(), quantity,
                                event.eventId(), result.value());
                    } else {
                        metrics.duplicate(Source.INVENTORY);
                        LOG.infof("[%s] inventory event %s had been counted already (redelivered: %s)", replica, event.eventId(),
                                delivery.redelivered());
                    }
                    delivery.ack();
                }, failure -> {
                    LOG.warnf("[%s] could not count inventory event %s, handing it back: %s", replica, event.eventId(), failure.toString());
                    delivery.retryLater(vertx, config.retryDelay());
                });
    }
}
