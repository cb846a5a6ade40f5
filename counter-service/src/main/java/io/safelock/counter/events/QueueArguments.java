package io.safelock.counter.events;

import io.safelock.counter.config.CounterConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Queue arguments the connector cannot take as plain attributes (it has no {@code x-expires}): each channel
 * names one of these beans in {@code mp.messaging.incoming.<channel>.queue.arguments}.
 */
@Singleton
public class QueueArguments {

    /** A replica's notification queue outlives a dropped connection, and disappears once its replica is gone for good. */
    @Produces
    @Identifier("counter-notification-queue")
    Map<String, Object> notificationQueue(CounterConfig config) {
        return Map.of("x-expires", config.rabbitmq().updatedQueueExpires().toMillis());
    }

    /** The shared commands and inventory queues: no arguments in production; an expiry where throwaway queues are wanted (tests). */
    @Produces
    @Identifier("counter-shared-queue")
    Map<String, Object> sharedQueue(CounterConfig config) {
        return config.rabbitmq().durableQueueExpires().<Map<String, Object>>map(d -> Map.of("x-expires", d.toMillis())).orElse(Map.of());
    }
}
