package io.safelock.inventory.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Everything under {@code inventory.*} (env: {@code INVENTORY_PURCHASE_PROCESSING_DELAY}, …). Lock
 * TTL and wait come from {@code lock.*} (lock-common), the broker from {@code rabbitmq-*} and {@code mp.messaging.outgoing.inventory-events.*}.
 */
@ConfigMapping(prefix = "inventory")
public interface InventoryConfig {

    Purchase purchase();

    Lock lock();

    Buy buy();

    Idempotency idempotency();

    Events events();

    Database database();

    SampleData sampleData();

    interface Purchase {
        /** Simulated work between reading the stock and writing it, as in the seed demo; 0 for benchmarks. */
        @WithDefault("100ms")
        Duration processingDelay();

        /** Upper bound of the per-request {@code ?delayMs=} override. */
        @WithDefault("60s")
        Duration maxProcessingDelay();

        /** Largest quantity one purchase may ask for; more is rejected as bad input. */
        @WithDefault("1000")
        int maxQuantity();
    }

    interface Lock {
        /**
         * Extend the lease while a locked purchase runs. Off, a purchase that outlives the lease TTL
         * keeps going without a lock, and only the fencing token at the database stops its write.
         */
        @WithDefault("true")
        boolean autoExtend();
    }

    interface Buy {
        /** {@code POST /buy/{id}} keeps trying for a busy lock this long (the purchase routes use {@code lock.wait-timeout}). */
        @WithDefault("30s")
        Duration maxWait();

        /**
         * How many {@code /buy} checkouts may run at once across all replicas (a distributed semaphore on
         * the lock nodes); the others wait for a permit up to {@link #maxWait()}. 0 = no bound.
         */
        @WithDefault("16")
        int maxConcurrentCheckouts();
    }

    interface Idempotency {
        /** How long a duplicate request waits for the first copy to finish before answering 409. */
        @WithName("wait")
        @WithDefault("40s")
        Duration waitForFirst();

        /** A claim older than this whose request never finished (its replica died) may be taken over. */
        @WithDefault("2m")
        Duration claimTimeout();

        /** Completed keys are forgotten after this. */
        @WithDefault("24h")
        Duration retention();
    }

    interface Events {
        /** Durable topic exchange the events go to (the counter service binds its queue to it). */
        @WithDefault("inventory")
        String exchange();

        /** Routing key (and AMQP type) of purchase events. */
        @WithDefault("inventory.purchased")
        String purchasedRoutingKey();

        Relay relay();

        interface Relay {
            /** Poll period of the outbox when idle; a purchase on this replica wakes the relay at once. */
            @WithDefault("200ms")
            Duration interval();

            /** Events published per batch (one transaction and one wait for confirms). */
            @WithDefault("100")
            int batchSize();

            /** How long a batch waits for the broker's publisher confirms before it is retried. */
            @WithDefault("5s")
            Duration confirmTimeout();

            /** Longest pause between attempts while the broker is unreachable. */
            @WithDefault("5s")
            Duration maxBackoff();

            /** Published events are deleted from the outbox after this. */
            @WithDefault("7d")
            Duration retention();
        }
    }

    interface Database {
        /** Create the database named in the URL at start-up if it does not exist (needs CREATEDB). */
        @WithDefault("true")
        boolean createIfMissing();

        /** The database to connect to for creating it. */
        @WithDefault("postgres")
        String maintenanceDatabase();
    }

    interface SampleData {
        /** Insert {@link #products()} when the products table is empty at start-up. */
        @WithDefault("true")
        boolean enabled();

        /** The sample products, with ids 1, 2, 3 … in this order. */
        List<SampleProduct> products();

        interface SampleProduct {
            String name();

            int stock();

            BigDecimal price();
        }
    }
}
