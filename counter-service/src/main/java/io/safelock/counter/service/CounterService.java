package io.safelock.counter.service;

import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.safelock.counter.events.CounterUpdated;
import io.safelock.counter.events.NotificationPublisher;
import io.safelock.counter.metrics.CounterMetrics;
import io.safelock.counter.store.CounterStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

/**
 * Applies increments in the synchronous modes ({@code unsafe}, {@code locked}, {@code atomic}) and announces
 * every applied one. {@code queued} requests go through {@link io.safelock.counter.queue.UpdateQueue}.
 */
@Singleton
public class CounterService {

    private final CounterStore store;
    private final LockedUpdate locked;
    private final NotificationPublisher notifications;
    private final CounterMetrics metrics;
    private final String replica;
    private final int defaultThinkMs;

    public CounterService(CounterStore store, LockedUpdate locked, NotificationPublisher notifications, CounterMetrics metrics,
                          Replica replica, CounterConfig config) {
        this.store = store;
        this.locked = locked;
        this.notifications = notifications;
        this.metrics = metrics;
        this.replica = replica.name();
        this.defaultThinkMs = (int) Math.min(Integer.MAX_VALUE, config.thinkTime().toMillis());
    }

    public int defaultThinkMs() {
        return defaultThinkMs;
    }

    public Uni<Long> value(String counter) {
        return store.get(counter);
    }

    public Uni<UpdateResult> increment(String counter, long by, Mode mode, int thinkTimeMs) {
        Uni<UpdateResult> update = switch (mode) {
            case UNSAFE -> unsafe(counter, by, thinkTimeMs);
            case LOCKED -> locked.increment(counter, by, thinkTimeMs);
            case FAIR -> locked.incrementFair(counter, by, thinkTimeMs);
            case ATOMIC -> store.incrementBy(counter, by).map(v -> new UpdateResult(counter, v, Mode.ATOMIC.tag(), replica, null));
            case QUEUED -> throw new IllegalArgumentException("queued updates go through the queue");
        };
        return update.invoke(result -> {
            metrics.updated(mode);
            notifications.publish(CounterUpdated.of(result, by, null));
        });
    }

    public Uni<UpdateResult> reset(String counter) {
        return locked.reset(counter).invoke(result -> notifications.publish(CounterUpdated.of(result, 0, null)));
    }

    /** The race: nothing stops another writer between this GET and this SET. */
    private Uni<UpdateResult> unsafe(String counter, long by, int thinkTimeMs) {
        return store.get(counter)
                .call(current -> Think.pause(thinkTimeMs))
                .flatMap(current -> {
                    long next = LockedUpdate.add(counter, current, by);
                    return store.set(counter, next).map(ignored -> new UpdateResult(counter, next, Mode.UNSAFE.tag(), replica, null));
                });
    }
}
