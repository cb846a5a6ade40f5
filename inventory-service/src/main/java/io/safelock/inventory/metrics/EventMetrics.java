package io.safelock.inventory.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.safelock.inventory.events.OutboxRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus: {@code inventory_events_published_total}, {@code inventory_events_publish_failures_total},
 * {@code inventory_outbox_pending_events} and {@code inventory_outbox_oldest_age_seconds} (how long the
 * oldest unpublished event has waited: the alert for a broker that stays away).
 */
@ApplicationScoped
public class EventMetrics {

    private final Counter published;
    private final Counter failures;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();

    EventMetrics(MeterRegistry registry) {
        published = Counter.builder("inventory.events.published").description("Events confirmed by RabbitMQ").register(registry);
        failures = Counter.builder("inventory.events.publish.failures")
                .description("Relay attempts that failed (broker unreachable, nack or confirm timeout)").register(registry);
        Gauge.builder("inventory.outbox.pending.events", pending, AtomicLong::get)
                .description("Events committed but not yet confirmed by RabbitMQ").register(registry);
        Gauge.builder("inventory.outbox.oldest.age.seconds", oldestAgeMillis, age -> age.get() / 1000.0)
                .description("Age of the oldest unpublished event").register(registry);
    }

    public void published(int count) {
        published.increment(count);
    }

    public void publishFailed() {
        failures.increment();
    }

    public void backlog(OutboxRepository.Backlog backlog) {
        pending.set(backlog.pending());
        oldestAgeMillis.set(Math.round(backlog.oldestAgeSeconds() * 1000));
    }
}
