package io.safelock.counter.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.safelock.counter.metrics.CounterMetrics;
import io.safelock.counter.metrics.CounterMetrics.Source;
import io.safelock.counter.rabbit.Delivery;
import io.safelock.counter.rabbit.RabbitConnector;
import io.safelock.counter.rabbit.RabbitParticipant;
import io.safelock.counter.service.InputRules;
import io.safelock.counter.service.LockedUpdate;
import io.safelock.counter.service.UpdateResult;
import io.safelock.counter.store.Keys;
import io.safelock.counter.store.OnceResult;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Increment commands from the durable {@code counter.commands} queue. Every replica consumes from it, so
 * the broker spreads commands across replicas; a command is acknowledged only after it has been applied
 * (under the counter's lock, together with its id marker), so a replica that dies before that leaves it
 * to be redelivered to another, and a redelivered command that had been applied is recognised by its id.
 */
@Singleton
public class CommandConsumer implements RabbitParticipant {

    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);

    private final LockedUpdate locked;
    private final InputRules rules;
    private final Keys keys;
    private final NotificationPublisher notifications;
    private final CounterMetrics metrics;
    private final RabbitConnector connector;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final CounterConfig.Rabbit config;
    private final String replica;

    public CommandConsumer(LockedUpdate locked, InputRules rules, Keys keys, NotificationPublisher notifications, CounterMetrics metrics,
                           RabbitConnector connector, ObjectMapper json, Vertx vertx, CounterConfig config, Replica replica) {
        this.locked = locked;
        this.rules = rules;
        this.keys = keys;
        this.notifications = notifications;
        this.metrics = metrics;
        this.connector = connector;
        this.json = json;
        this.vertx = vertx;
        this.config = config.rabbitmq();
        this.replica = replica.name();
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public void connected(Connection connection) throws IOException {
        Channel channel = connection.createChannel();
        channel.basicQos(config.prefetch());
        channel.queueDeclare(config.commandsQueue(), true, false, false, QueueArguments.durable(config));
        channel.basicConsume(config.commandsQueue(), false, "commands", new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                received(new Delivery(channel, envelope.getDeliveryTag(), envelope.isRedeliver(), connector), body);
            }
        });
    }

    private void received(Delivery delivery, byte[] body) {
        IncrementCommand command;
        long by;
        try {
            command = json.readValue(body, IncrementCommand.class);
            rules.name("commandId", command.commandId());
            rules.name(command.counter());
            by = rules.increment(command.by());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("[%s] rejecting an invalid increment command: %s", replica, e.getMessage());
            delivery.reject();
            return;
        }
        locked.applyOnce(command.counter(), by, keys.command(command.commandId()), config.dedupWindow()).subscribe().with(result -> {
            if (result.outcome() == OnceResult.Outcome.APPLIED) {
                metrics.consumed(Source.COMMAND);
                notifications.publish(CounterUpdated.of(new UpdateResult(command.counter(), result.value(), "command", replica, null), by, command.commandId()));
                LOG.debugf("[%s] applied command %s: %s += %d -> %d", replica, command.commandId(), command.counter(), by, result.value());
            } else {
                metrics.duplicate(Source.COMMAND);
                LOG.infof("[%s] command %s had been applied already (redelivered: %s); acknowledging it again", replica,
                        command.commandId(), delivery.redelivered());
            }
            delivery.ack();
        }, failure -> {
            LOG.warnf("[%s] could not apply command %s, handing it back: %s", replica, command.commandId(), failure.toString());
            delivery.retryLater(vertx, config.retryDelay());
        });
    }
}
