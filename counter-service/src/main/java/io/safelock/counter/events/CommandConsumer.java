package io.safelock.counter.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.safelock.counter.metrics.CounterMetrics;
import io.safelock.counter.metrics.CounterMetrics.Source;
import io.safelock.counter.service.InputRules;
import io.safelock.counter.service.LockedUpdate;
import io.safelock.counter.service.UpdateResult;
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
 * Increment commands from the durable {@code counter.commands} queue (channel {@code counter-commands}). Every
 * replica consumes from it, so the broker spreads commands across replicas; a command is acknowledged only
 * after it has been applied (under the counter's lock, together with its id marker), so a replica that dies
 * before that leaves it to be redelivered to another, and a redelivered command that had been applied is
 * recognised by its id.
 */
@Singleton
public class CommandConsumer {

    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);

    private final LockedUpdate locked;
    private final InputRules rules;
    private final Keys keys;
    private final NotificationPublisher notifications;
    private final CounterMetrics metrics;
    private final ObjectMapper json;
    private final CounterConfig.Rabbit config;
    private final String replica;

    public CommandConsumer(LockedUpdate locked, InputRules rules, Keys keys, NotificationPublisher notifications, CounterMetrics metrics,
                           ObjectMapper json, CounterConfig config, Replica replica) {
        this.locked = locked;
        this.rules = rules;
        this.keys = keys;
        this.notifications = notifications;
        this.metrics = metrics;
        this.json = json;
        this.config = config.rabbitmq();
        this.replica = replica.name();
    }

    @Incoming("counter-commands")
    public Uni<Void> consume(Message<byte[]> message) {
        IncrementCommand command;
        long by;
        try {
            command = json.readValue(message.getPayload(), IncrementCommand.class);
            rules.name("commandId", command.commandId());
            rules.name(command.counter());
            by = rules.increment(command.by());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("[%s] rejecting an invalid increment command: %s", replica, e.getMessage());
            return Settle.reject(message, e);
        }
        return locked.applyOnce(command.counter(), by, keys.command(command.commandId()), config.dedupWindow())
                .onItem().transformToUni(result -> {
                    if (result.outcome() == OnceResult.Outcome.APPLIED) {
                        metrics.consumed(Source.COMMAND);
                        notifications.publish(CounterUpdated.of(new UpdateResult(command.counter(), result.value(), "command", replica, null),
                                by, command.commandId()));
                        LOG.debugf("[%s] applied command %s: %s += %d -> %d", replica, command.commandId(), command.counter(), by, result.value());
                    } else {
                        metrics.duplicate(Source.COMMAND);
                        LOG.infof("[%s] command %s had been applied already (redelivered: %s); acknowledging it again", replica,
                                command.commandId(), redelivered(message));
                    }
                    return Settle.ack(message);
                })
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("[%s] could not apply command %s, handing it back: %s", replica, command.commandId(), failure.toString());
                    return Settle.retryLater(message, failure, config.retryDelay());
                });
    }

    private static boolean redelivered(Message<?> message) {
        return message.getMetadata(IncomingRabbitMQMetadata.class).map(IncomingRabbitMQMetadata::isRedeliver).orElse(false);
    }
}
