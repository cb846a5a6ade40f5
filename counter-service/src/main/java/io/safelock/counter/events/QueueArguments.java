package io.safelock.counter.events;

import io.safelock.counter.config.CounterConfig;
import java.util.Map;

/** Arguments of the shared durable queues: none in production; an expiry where throwaway queues are wanted (tests). */
public final class QueueArguments {

    private QueueArguments() {
    }

    public static Map<String, Object> durable(CounterConfig.Rabbit config) {
        return config.durableQueueExpires().<Map<String, Object>>map(d -> Map.of("x-expires", d.toMillis())).orElse(Map.of());
    }
}
