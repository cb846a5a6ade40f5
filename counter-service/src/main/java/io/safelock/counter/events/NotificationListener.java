package io.safelock.counter.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.safelock.counter.metrics.CounterMetrics;
import io.safelock.counter.metrics.CounterMetrics.Source;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.io.IOException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * This replica's own queue on the {@code counter.updated} fanout exchange (channel {@code counter-updated-in}),
 * so every replica receives every notification. The queue is named after the replica and outlives a
 * dropped connection (it expires only after {@code counter.rabbitmq.updated-queue-expires} without a
 * consumer), so a broker outage loses nothing that was published meanwhile.
 */
@Singleton
public class NotificationListener {

    private static final Logger LOG = Logger.getLogger(NotificationListener.class);

    private final LastSeen lastSeen;
    private final CounterMetrics metrics;
    private final ObjectMapper json;

    public NotificationListener(LastSeen lastSeen, CounterMetrics metrics, ObjectMapper json) {
        this.lastSeen = lastSeen;
        this.metrics = metrics;
        this.json = json;
    }

    /** Acknowledged once recorded; an unreadable notification is acknowledged too (dropped), since no retry can fix it. */
    @Incoming("counter-updated-in")
    public Uni<Void> receive(Message<byte[]> message) {
        record(message.getPayload());
        return Settle.ack(message);
    }

    private void record(byte[] body) {
        CounterUpdated update;
        try {
            update = json.readValue(body, CounterUpdated.class);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("Dropping an unreadable counter.updated notification: %s", e.getMessage());
            return;
        }
        if (update.eventId() == null || update.counter() == null) {
            LOG.warnf("Dropping a counter.updated notification without eventId or counter");
            return;
        }
        if (lastSeen.record(update)) {
            metrics.consumed(Source.NOTIFICATION);
        } else {
            metrics.duplicate(Source.NOTIFICATION);
        }
    }
}
