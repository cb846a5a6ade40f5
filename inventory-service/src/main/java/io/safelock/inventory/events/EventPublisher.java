package io.safelock.inventory.events;

import com.rabbitmq.client.AMQP;
import io.safelock.inventory.config.InventoryConfig;
import io.safelock.inventory.config.RabbitConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One AMQP connection with a confirm-mode channel, used by the relay only (never concurrently).
 * Declares the durable exchange (and the configured durable queue) on every connect, so a broker
 * that lost its definitions gets them back before anything is published.
 */
@ApplicationScoped
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    private final Vertx vertx;
    private final RabbitConfig rabbit;
    private final InventoryConfig.Events events;
    private volatile RabbitMQClient client;
    private volatile boolean ready;
    private volatile String lastError = "not connected yet";

    EventPublisher(Vertx vertx, RabbitConfig rabbit, InventoryConfig config) {
        this.vertx = vertx;
        this.rabbit = rabbit;
        this.events = config.events();
    }

    /** Connected, with a confirm-mode channel and the topology declared. */
    public boolean isConnected() {
        RabbitMQClient current = client;
        return ready && current != null && current.isConnected() && current.isOpenChannel();
    }

    public String broker() {
        return rabbit.host() + ":" + rabbit.port();
    }

    public String lastError() {
        return lastError;
    }

    /** Connects unless already connected; fails if the broker cannot be reached. */
    public Uni<Void> ensureConnected() {
        if (isConnected()) {
            return Uni.createFrom().voidItem();
        }
        boolean wasReady = ready;
        ready = false;
        RabbitMQClient previous = client;
        Uni<Void> closePrevious = previous == null ? Uni.createFrom().voidItem()
                : previous.stop().onFailure().recoverWithNull().replaceWithVoid();
        return closePrevious.flatMap(ignored -> {
            RabbitMQClient fresh = RabbitMQClient.create(vertx, options());
            client = fresh;
            return fresh.start()
                    .flatMap(v -> fresh.confirmSelect())
                    .flatMap(v -> fresh.exchangeDeclare(events.exchange(), "topic", true, false))
                    .flatMap(v -> declareQueue(fresh))
                    .invoke(() -> {
                        ready = true;
                        lastError = null;
                        LOG.infof("Connected to RabbitMQ at %s; publishing to durable exchange '%s'", broker(), events.exchange());
                    })
                    .onFailure().call(failure -> {
                        lastError = describe(failure);
                        if (wasReady || previous == null) {
                            LOG.warnf("RabbitMQ at %s unreachable: %s (events stay in the outbox)", broker(), lastError);
                        }
                        return fresh.stop().onFailure().recoverWithNull();
                    });
        });
    }

    private Uni<Void> declareQueue(RabbitMQClient fresh) {
        if (events.queue().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String queue = events.queue().get();
        return fresh.queueDeclare(queue, true, false, false)
                .flatMap(ok -> fresh.queueBind(queue, events.exchange(), events.purchasedRoutingKey()));
    }

    /**
     * Publishes persistent messages and waits for the broker to confirm all of them. Fails (and drops
     * the connection, so the next attempt starts clean) on a nack, a timeout or a lost connection.
     */
    public Uni<Void> publishConfirmed(List<OutboxEvent> batch) {
        RabbitMQClient current = client;
        if (!isConnected()) {
            return Uni.createFrom().failure(new IllegalStateException("not connected to RabbitMQ at " + broker()));
        }
        return Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(event -> current.basicPublish(events.exchange(), event.routingKey(),
                        properties(event), Buffer.buffer(event.payload())))
                .collect().last()
                .flatMap(v -> current.waitForConfirms(events.relay().confirmTimeout().toMillis()))
                .onFailure().invoke(failure -> {
                    ready = false;
                    lastError = describe(failure);
                });
    }

    private static AMQP.BasicProperties properties(OutboxEvent event) {
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2) // persistent: survives a broker restart in a durable queue
                .messageId(event.eventId().toString())
                .type(event.eventType())
                .appId("inventory-service")
                .timestamp(Date.from(event.createdAt().toInstant()))
                .headers(Map.of("event_id", event.eventId().toString()))
                .build();
    }

    private RabbitMQOptions options() {
        return new RabbitMQOptions()
                .setHost(rabbit.host())
                .setPort(rabbit.port())
                .setUser(rabbit.username())
                .setPassword(rabbit.password())
                .setVirtualHost(rabbit.virtualHost())
                .setConnectionTimeout((int) rabbit.connectionTimeout().toMillis())
                .setHandshakeTimeout((int) rabbit.connectionTimeout().toMillis())
                .setRequestedHeartbeat((int) Math.max(1, rabbit.heartbeat().toSeconds()))
                .setConnectionName("inventory-service")
                // the relay reconnects on its own schedule; the client's recovery would replay a channel state we do not want
                .setAutomaticRecoveryEnabled(false)
                .setReconnectAttempts(0);
    }

    static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @PreDestroy
    void close() {
        RabbitMQClient current = client;
        if (current != null) {
            current.stop().onFailure().recoverWithNull().await().atMost(java.time.Duration.ofSeconds(5));
        }
    }
}
