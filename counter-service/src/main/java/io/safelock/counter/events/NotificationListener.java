package io.safelock.counter.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.safelock.counter.metrics.CounterMetrics;
import io.safelock.counter.metrics.CounterMetrics.Source;
import io.safelock.counter.rabbit.RabbitParticipant;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * This replica's own queue on the {@code counter.updated} fanout exchange, so every replica receives every
 * notification. The queue is named after the replica and outlives a dropped connection (it expires only
 * after {@code counter.rabbitmq.updated-queue-expires} without a consumer), so a broker outage loses
 * nothing that was published meanwhile.
 */
@Singleton
public class NotificationListener implements RabbitParticipant {

    private static final Logger LOG = Logger.getLogger(NotificationListener.class);

    private final LastSeen lastSeen;
    private final CounterMetrics metrics;
    private final ObjectMapper json;
    private final String exchange;
    private final String queue;
    private final long expiresMs;

    public NotificationListener(LastSeen lastSeen, CounterMetrics metrics, ObjectMapper json, CounterConfig config, Replica replica) {
        this.lastSeen = lastSeen;
        this.metrics = metrics;
        this.json = json;
        this.exchange = config.rabbitmq().updatedExchange();
        this.queue = config.rabbitmq().updatedQueuePrefix() + replica.name();
        this.expiresMs = config.rabbitmq().updatedQueueExpires().toMillis();
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public void connected(Connection connection) throws IOException {
        Channel channel = connection.createChannel();
        channel.basicQos(256);
        channel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true);
        channel.queueDeclare(queue, true, false, false, Map.of("x-expires", expiresMs));
        channel.queueBind(queue, exchange, "");
        channel.basicConsume(queue, false, "notifications", new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                received(body);
                try {
                    channel.basicAck(envelope.getDeliveryTag(), false);
                } catch (IOException | RuntimeException e) {
                    // the connection just dropped: the broker redelivers, and the event id absorbs the copy
                    LOG.debugf("Could not acknowledge a notification: %s", e.toString());
                }
            }
        });
    }

    private void received(byte[] body) {
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
