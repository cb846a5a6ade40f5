package io.safelock.counter.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything under {@code counter.*} (env: {@code COUNTER_REPLICA_NAME}, {@code COUNTER_THINK_TIME}, …).
 * Lock settings live under {@code lock.*}, the counter Redis under {@code quarkus.redis.*} and the broker
 * under {@code rabbitmq-*}.
 */
@ConfigMapping(prefix = "counter")
public interface CounterConfig {

    /** Name of this replica in logs, notifications and queue ownership; defaults to the host name (the pod name). */
    Optional<String> replicaName();

    /** Prefix of every key this service writes in the counter Redis. */
    @WithDefault("counter:")
    String keyPrefix();

    /** Pause between read and write in {@code unsafe} and {@code locked} mode when a request names none: it widens the race window. */
    @WithDefault("0ms")
    Duration thinkTime();

    Queue queue();

    Limits limits();

    Experiments experiments();

    Rabbit rabbitmq();

    interface Queue {
        /** Consumer loops per replica; each drains one counter at a time. 0 disables consuming in this replica. */
        @WithDefault("2")
        int consumers();

        /**
         * Lease on a counter's queue while a consumer drains it: the lock TTL. A consumer that dies holding a
         * request leaves it in flight; after this long the next consumer takes the lock and applies it first.
         */
        @WithDefault("10s")
        Duration leaseTtl();

        /** How long a consumer waits for a counter's lock before trying another counter (another replica is draining it). */
        @WithDefault("250ms")
        Duration lockWait();

        /** Requests applied per lock acquisition, so other consumers and locked updates get turns. */
        @WithDefault("32")
        int batchSize();

        /** Pause of an idle consumer before it looks for work again. */
        @WithDefault("25ms")
        Duration idlePoll();

        /** How long the status of an applied request stays readable. */
        @WithDefault("24h")
        Duration statusTtl();

        /** How often the queue depth and oldest-age gauges are refreshed from Redis. */
        @WithDefault("2s")
        Duration statsInterval();
    }

    interface Limits {
        /** Longest counter name. Names use letters, digits, '.', '_' and '-'. */
        @WithDefault("128")
        int maxNameLength();

        /** Largest single increment. */
        @WithDefault("1000000")
        long maxIncrement();

        /** Longest think time a request may ask for. */
        @WithDefault("1000")
        int maxThinkTimeMs();

        /** Most concurrent workers in one race experiment. */
        @WithDefault("64")
        int maxWorkers();

        /** Most increments per worker in one race experiment. */
        @WithDefault("10000")
        int maxIncrementsPerWorker();

        /** Most increments in one race experiment (workers x increments per worker). */
        @WithDefault("100000")
        int maxExperimentIncrements();
    }

    interface Experiments {
        /** A race experiment that has not finished after this long stops waiting and reports what it saw. */
        @WithDefault("120s")
        Duration maxDuration();
    }

    interface Rabbit {
        /** Fanout exchange every applied update is announced on. */
        @WithDefault("counter.updated")
        String updatedExchange();

        /** Prefix of each replica's own notification queue (the replica name is appended). */
        @WithDefault("counter.updated.")
        String updatedQueuePrefix();

        /** A replica's notification queue disappears after it has had no consumer this long. */
        @WithDefault("10m")
        Duration updatedQueueExpires();

        /** Durable queue of increment commands, shared by all replicas (competing consumers). */
        @WithDefault("counter.commands")
        String commandsQueue();

        /** Topic exchange the inventory service publishes on. */
        @WithDefault("inventory")
        String inventoryExchange();

        @WithDefault("inventory.purchased")
        String inventoryRoutingKey();

        /** Durable queue of this service bound to the inventory exchange. */
        @WithDefault("counter-service.inventory.purchased")
        String inventoryQueue();

        /** x-expires for the commands and inventory queues (unset: they live forever, as in production). */
        Optional<Duration> durableQueueExpires();

        /** Unacknowledged deliveries per consumer (the connector's {@code max-outstanding-messages}). */
        @WithDefault("32")
        int prefetch();

        /** Notifications waiting for the broker's confirm; beyond this new ones are dropped. */
        @WithDefault("100000")
        int outboxCapacity();

        /** A notification the broker has not confirmed after this long is sent again (receivers drop copies by id). */
        @WithDefault("5s")
        Duration confirmTimeout();

        /** How long after a failed command or event it is handed back to the broker for another try. */
        @WithDefault("1s")
        Duration retryDelay();

        /** How long applied command and event ids are remembered for de-duplication. */
        @WithDefault("7d")
        Duration dedupWindow();
    }
}
