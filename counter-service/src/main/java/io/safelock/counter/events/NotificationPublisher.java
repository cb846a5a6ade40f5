package io.safelock.counter.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Sends {@code counter.updated} notifications on the channel {@code counter-updated-out} with publisher
 * confirms: a send completes when the broker has confirmed it. While the broker is away the connector keeps
 * the notifications and sends them once it has reconnected.
 * <p>
 * One thing the connector does not do: a notification that was sent but not yet confirmed when the connection
 * dropped is never confirmed nor failed (the client forgets its pending confirms on reconnecting). So a
 * notification without a confirm after {@code counter.rabbitmq.confirm-timeout} is sent again once the channel
 * is connected; receivers drop the copies by event id. At most {@code counter.rabbitmq.outbox-capacity}
 * notifications wait for a confirm; beyond that new ones are dropped and counted in the log.
 */
@Singleton
public class NotificationPublisher {

    public static final String CHANNEL = "counter-updated-out";
    private static final Logger LOG = Logger.getLogger(NotificationPublisher.class);

    private final MutinyEmitter<byte[]> emitter;
    private final BrokerStatus broker;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final String replica;
    private final int capacity;
    private final Duration confirmTimeout;
    private final Duration retryDelay;
    private final AtomicInteger unconfirmed = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

    public NotificationPublisher(@Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) MutinyEmitter<byte[]> emitter,
                                 BrokerStatus broker, ObjectMapper json, Vertx vertx, CounterConfig config, Replica replica) {
        this.emitter = emitter;
        this.broker = broker;
        this.json = json;
        this.vertx = vertx;
        this.replica = replica.name();
        this.capacity = config.rabbitmq().outboxCapacity();
        this.confirmTimeout = config.rabbitmq().confirmTimeout();
        this.retryDelay = config.rabbitmq().retryDelay();
    }

    /** Never blocks and never fails the update that triggered it. */
    public void publish(CounterUpdated update) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(update);
        } catch (JsonProcessingException e) {
            LOG.errorf("Could not serialize %s: %s", update, e);
            return;
        }
        if (unconfirmed.incrementAndGet() > capacity) {
            unconfirmed.decrementAndGet();
            if (dropped.incrementAndGet() % 1000 == 1) {
                LOG.warnf("[%s] %d notifications wait for the broker: dropped %d new one(s) so far", replica, capacity, dropped.get());
            }
            return;
        }
        send(update.eventId(), body);
    }

    private void send(String eventId, byte[] body) {
        OutgoingRabbitMQMetadata metadata = OutgoingRabbitMQMetadata.builder().withContentType("application/json")
                .withDeliveryMode(2).withMessageId(eventId).withAppId(replica).build();
        emitter.sendMessage(Message.of(body, Metadata.of(metadata)))
                .ifNoItem().after(confirmTimeout).fail()
                .subscribe().with(confirmed -> unconfirmed.decrementAndGet(), failure -> {
                    LOG.debugf("[%s] notification %s not confirmed (%s); sending it again once connected", replica, eventId, failure);
                    sendAgainWhenConnected(eventId, body);
                });
    }

    private void sendAgainWhenConnected(String eventId, byte[] body) {
        vertx.setTimer(Math.max(1, retryDelay.toMillis()), id -> {
            if (broker.connected(CHANNEL)) {
                send(eventId, body);
            } else {
                sendAgainWhenConnected(eventId, body);
            }
        });
    }
}
