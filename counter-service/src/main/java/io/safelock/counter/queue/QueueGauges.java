package io.safelock.counter.queue;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.metrics.CounterMetrics;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Refreshes the queue depth and oldest-age gauges from Redis now and then (a gauge callback must not do I/O). */
@Singleton
public class QueueGauges {

    private static final Logger LOG = Logger.getLogger(QueueGauges.class);

    private final UpdateQueue queue;
    private final CounterMetrics metrics;
    private final Vertx vertx;
    private final long intervalMs;
    private long timer = -1;

    public QueueGauges(UpdateQueue queue, CounterMetrics metrics, Vertx vertx, CounterConfig config) {
        this.queue = queue;
        this.metrics = metrics;
        this.vertx = vertx;
        this.intervalMs = Math.max(100, config.queue().statsInterval().toMillis());
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(intervalMs, id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void refresh() {
        queue.stats(0).subscribe().with(
                stats -> metrics.queue(stats.depth(), stats.oldestAgeSeconds()),
                failure -> LOG.debugf("Could not refresh queue gauges: %s", failure.getMessage()));
    }
}
