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
 * notification still without a confirm {@code counter.rabbitmq.confirm-timeout} after it was sent is sent
 * again once the channel is connected, <em>if the connection dropped meanwhile</em>; receivers drop the copies
 * by event id. A broker that is only slow (overloaded, or blocking publishers on a memory or disk alarm) keeps
 * the connection: its confirms are late, not lost, and a copy per timeout would multiply the backlog held in
 * this JVM, so the notification waits for its confirm (a copy goes out after {@value #PATIENCE} timeouts in a
 * row all the same). At most {@code counter.rabbitmq.outbox-capacity} notifications wait for a confirm;
 * beyond that new ones are dropped and counted in the log.
 */
@Singleton
public class NotificationPublisher {

    public static final String CHANNEL = "counter-updated-out";
    private static final Logger LOG = Logger.getLogger(NotificationPublisher.class);
    /** How often the channel's connection is looked at: a reconnect takes a second at least, so none is missed. */
    private static final long WATCH_CONNECTION_MS = 250;
    /** Timeouts in a row, with the connection up all along, after which a copy is sent anyway. */
    static final int PATIENCE = 12;

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
    /** Connection drops of the channel seen so far: a copy sent before the latest may have lost its confirm. */
    private final AtomicLong drops = new AtomicLong();
    private volatile boolean wasConnected = true;

    /** One notification until one of its copies is confirmed. */
    private record Pending(String eventId, byte[] body, java.util.concurrent.atomic.AtomicBoolean settled) {
        Pending(String eventId, byte[] body) {
            this(eventId, body, new java.util.concurrent.atomic.AtomicBoolean());
        }
    }

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
        vertx.setPeriodic(WATCH_CONNECTION_MS, id -> watchConnection());
    }

    private void watchConnection() {
        boolean connected = broker.connected(CHANNEL);
        if (wasConnected && !connected) {
            drops.incrementAndGet();
        }
        wasConnected = connected;
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
        send(new Pending(update.eventId(), body));
    }

    private void send(Pending notification) {
        OutgoingRabbitMQMetadata metadata = OutgoingRabbitMQMetadata.builder().withContentType("application/json")
                .withDeliveryMode(2).withMessageId(notification.eventId()).withAppId(replica).build();
        long dropsBefore = drops.get();
        java.util.concurrent.CompletableFuture<Void> copy = emitter.sendMessage(Message.of(notification.body(), Metadata.of(metadata)))
                .subscribeAsCompletionStage();
        copy.whenComplete((confirmed, failure) -> {
            if (failure == null) {
                settle(notification);
            } else if (!notification.settled().get()) {
                LOG.debugf("[%s] notification %s failed (%s); sending it again once connected", replica, notification.eventId(), failure);
                sendAgainWhenConnected(notification);
            }
        });
        awaitConfirm(notification, copy, dropsBefore, 1);
    }

    /** Every confirm timeout: a copy whose connection dropped since it was sent gets a successor; otherwise it is waited for. */
    private void awaitConfirm(Pending notification, java.util.concurrent.CompletableFuture<Void> copy, long dropsBefore, int timeouts) {
        vertx.setTimer(Math.max(1, confirmTimeout.toMillis()), id -> {
            if (copy.isDone() || notification.settled().get()) {
                return;
            }
            boolean connectionDropped = drops.get() != dropsBefore || !broker.connected(CHANNEL);
            if (connectionDropped || timeouts >= PATIENCE) {
                LOG.debugf("[%s] notification %s not confirmed after %d timeout(s)%s; sending it again once connected", replica,
                        notification.eventId(), timeouts, connectionDropped ? " and a dropped connection" : "");
                sendAgainWhenConnected(notification);
            } else {
                awaitConfirm(notification, copy, dropsBefore, timeouts + 1);
            }
        });
    }

    private void settle(Pending notification) {
        if (notification.settled().compareAndSet(false, true)) {
            unconfirmed.decrementAndGet();
        }
    }

    private void sendAgainWhenConnected(Pending notification) {
        vertx.setTimer(Math.max(1, retryDelay.toMillis()), id -> {
            if (notification.settled().get()) {
                return; // an earlier copy was confirmed meanwhile
            }
            if (broker.connected(CHANNEL)) {
                send(notification);
            } else {
                sendAgainWhenConnected(notification);
            }
        });
    }
}
