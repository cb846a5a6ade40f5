package io.safelock.counter.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.safelock.counter.service.Mode;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The service's own meters. Prometheus names: {@code counter_updates_total{mode}},
 * {@code counter_lost_updates_total}, {@code counter_queue_depth}, {@code counter_queue_oldest_age_seconds},
 * {@code counter_events_consumed_total{source}}, {@code counter_events_duplicates_total{source}}.
 * Every series is registered at start-up, so dashboards and alerts see zeros instead of gaps.
 */
@Singleton
public class CounterMetrics {

    /** Where a consumed event came from. */
    public enum Source {
        NOTIFICATION, COMMAND, INVENTORY;

        public String tag() {
            return name().toLowerCase();
        }
    }

    private final Map<Mode, Counter> updates = new EnumMap<>(Mode.class);
    private final Map<Source, Counter> consumed = new EnumMap<>(Source.class);
    private final Map<Source, Counter> duplicates = new EnumMap<>(Source.class);
    private final Counter lostUpdates;
    private final AtomicLong queueDepth = new AtomicLong();
    private final AtomicReference<Double> oldestAgeSeconds = new AtomicReference<>(0.0);

    public CounterMetrics(MeterRegistry registry) {
        for (Mode mode : Mode.values()) {
            updates.put(mode, Counter.builder("counter.updates").description("Applied counter updates by mode")
                    .tag("mode", mode.tag()).register(registry));
        }
        for (Source source : Source.values()) {
            consumed.put(source, Counter.builder("counter.events.consumed")
                    .description("Messages consumed and applied, by source").tag("source", source.tag()).register(registry));
            duplicates.put(source, Counter.builder("counter.events.duplicates")
                    .description("Messages skipped because their id had been applied already, by source")
                    .tag("source", source.tag()).register(registry));
        }
        lostUpdates = Counter.builder("counter.lost.updates")
                .description("Updates lost to races, as measured by race experiments").register(registry);
        Gauge.builder("counter.queue.depth", queueDepth, AtomicLong::get)
                .description("Queued update requests not yet applied (all counters)").register(registry);
        Gauge.builder("counter.queue.oldest.age.seconds", oldestAgeSeconds, AtomicReference::get)
                .description("Age of the oldest queued update request not yet applied").register(registry);
    }

    public void updated(Mode mode) {
        updates.get(mode).increment();
    }

    public void lost(long count) {
        if (count > 0) {
            lostUpdates.increment(count);
        }
    }

    public void consumed(Source source) {
        consumed.get(source).increment();
    }

    public void duplicate(Source source) {
        duplicates.get(source).increment();
    }

    public void queue(long depth, double oldestAgeSeconds) {
        queueDepth.set(depth);
        this.oldestAgeSeconds.set(oldestAgeSeconds);
    }
}
