package io.safelock.inventory.events;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.health.HealthReport.ChannelInfo;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQConnector;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;

/**
 * The {@code inventory-events} channel: the RabbitMQ connector publishes each event to the durable topic
 * exchange as a persistent message and acknowledges it when the broker confirms it (publisher confirms);
 * it connects, declares the exchange and reconnects by itself.
 */
@ApplicationScoped
public class EventChannel {

    static final String CHANNEL = "inventory-events";

    private final MutinyEmitter<String> emitter;
    private final RabbitMQConnector connector;

    EventChannel(@Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) MutinyEmitter<String> emitter,
                 @Connector(RabbitMQConnector.CONNECTOR_NAME) RabbitMQConnector connector) {
        this.emitter = emitter;
        this.connector = connector;
    }

    /** False while the connector has lost the broker (before the first event it has not tried yet, and says true). */
    public boolean connected() {
        return connector.getReadiness().getChannels().stream().filter(c -> c.getChannel().equals(CHANNEL)).allMatch(ChannelInfo::isOk);
    }

    /**
     * Publishes the batch and completes when the broker has confirmed every event; fails on a nack or when a
     * confirm has not come within {@code confirmTimeout}. A confirm can be lost for good when the connection
     * drops after the publish (the connector's client forgets pending confirms when it reconnects), so the
     * timeout is what lets the relay publish such a batch again.
     */
    public Uni<Void> publishConfirmed(List<OutboxEvent> batch, Duration confirmTimeout) {
        if (!connected()) {
            return Uni.createFrom().failure(new IllegalStateException("RabbitMQ channel " + CHANNEL + " is not connected"));
        }
        List<Uni<Void>> confirms = batch.stream().map(event -> emitter.sendMessage(Message.of(event.payload(), Metadata.of(metadata(event))))).toList();
        return Uni.join().all(confirms).andFailFast().replaceWithVoid()
                .ifNoItem().after(confirmTimeout).failWith(() -> new IllegalStateException("no publisher confirm within " + confirmTimeout));
    }

    private static OutgoingRabbitMQMetadata metadata(OutboxEvent event) {
        return OutgoingRabbitMQMetadata.builder()
                .withRoutingKey(event.routingKey())
                .withContentType("application/json")
                .withDeliveryMode(2) // persistent: survives a broker restart in a durable queue
                .withMessageId(event.eventId().toString())
                .withType(event.eventType())
                .withAppId("inventory-service")
                .withTimestamp(event.createdAt().atZoneSameInstant(ZoneOffset.UTC))
                .withHeaders(Map.of("event_id", event.eventId().toString()))
                .build();
    }
}
