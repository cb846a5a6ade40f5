package io.safelock.inventory.events;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.safelock.inventory.config.InventoryConfig;
import io.safelock.inventory.metrics.EventMetrics;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Moves committed events from the outbox to RabbitMQ: lock a batch (SKIP LOCKED), publish it on the
 * {@link EventChannel} and wait for the broker's confirms, mark the rows published, commit. A crash or a lost confirm between publishing and committing
 * publishes the batch again later, so delivery is at least once and consumers de-duplicate by event id;
 * nothing is lost, because a row stays until the broker has confirmed it.
 *
 * <p>A poll does not start at the oldest row: published rows stay in the pending index until VACUUM, so
 * that walk would grow with every event published. It starts at this relay's horizon: the oldest
 * transaction that was still running at its last complete scan. Every event written before that had
 * committed by then and was published, or was locked by another replica's relay, which publishes it or,
 * failing, keeps it for its own next attempt. Only a relay that dies holding a batch leaves events below
 * every live relay's horizon; a full scan every {@value #FULL_SCAN_EVERY_SECONDS} seconds publishes them.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration BACKLOG_EVERY = Duration.ofSeconds(2);
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);
    static final int FULL_SCAN_EVERY_SECONDS = 10;
    private static final long FULL_SCAN_EVERY_NANOS = Duration.ofSeconds(FULL_SCAN_EVERY_SECONDS).toNanos();

    private final Vertx vertx;
    private final Pool pool;
    private final OutboxRepository outbox;
    private final EventChannel channel;
    private final EventMetrics metrics;
    private final InventoryConfig.Events.Relay settings;
    private final Duration runTimeout;

    private final Object state = new Object();
    private boolean running;
    private boolean wakeRequested;
    private boolean stopped = true;
    private long timer = -1;
    private int failures;
    private long lastBacklog;
    private long lastCleanup;
    /** Where the next poll starts: no event written by an older transaction can still be pending (but see above). */
    private long horizon;
    private long lastFullScan = System.nanoTime();

    OutboxRelay(Vertx vertx, Pool pool, OutboxRepository outbox, EventChannel channel, EventMetrics metrics, InventoryConfig config) {
        this.vertx = vertx;
        this.pool = pool;
        this.outbox = outbox;
        this.channel = channel;
        this.metrics = metrics;
        this.settings = config.events().relay();
        this.runTimeout = settings.confirmTimeout().multipliedBy(2).plusSeconds(30);
    }

    void start(@Observes StartupEvent event) {
        synchronized (state) {
            stopped = false;
        }
        schedule(Duration.ZERO);
    }

    void stop(@Observes ShutdownEvent event) {
        synchronized (state) {
            stopped = true;
            cancelTimer();
        }
    }

    /** A purchase committed here: publish now instead of at the next poll. */
    public void wakeUp() {
        synchronized (state) {
            if (stopped) {
                return;
            }
            if (running) {
                wakeRequested = true;
                return;
            }
            if (failures > 0) {
                return; // the broker is down: waking would only hammer it, the backoff timer is set
            }
            cancelTimer();
        }
        runOnce();
    }

    private void schedule(Duration delay) {
        synchronized (state) {
            if (stopped) {
                return;
            }
            cancelTimer();
            long ms = Math.max(1, delay.toMillis());
            timer = vertx.setTimer(ms, id -> {
                synchronized (state) {
                    timer = -1;
                }
                runOnce();
            });
        }
    }

    private void runOnce() {
        synchronized (state) {
            if (running || stopped) {
                return;
            }
            running = true;
            wakeRequested = false;
        }
        relayBatch()
                // a run that never ends (a connection hanging without an error) must not stop the relay for good
                .ifNoItem().after(runTimeout).fail()
                // also while the broker is down: that is when the backlog gauges matter
                .onItemOrFailure().call((count, failure) -> housekeepingIfDue())
                .subscribe().with(this::succeeded, this::failed);
    }

    private Uni<Integer> relayBatch() {
        long from = scanFrom();
        AtomicReference<List<OutboxEvent>> attempted = new AtomicReference<>();
        AtomicReference<OutboxRepository.Pending> scanned = new AtomicReference<>();
        return pool.withTransaction(connection -> outbox.lockPending(connection, settings.batchSize(), from)
                        .flatMap(pending -> {
                            scanned.set(pending);
                            List<OutboxEvent> batch = pending.events();
                            if (batch.isEmpty()) {
                                return Uni.createFrom().item(0);
                            }
                            attempted.set(batch);
                            return channel.publishConfirmed(batch, settings.confirmTimeout())
                                    .flatMap(confirmed -> outbox.markPublished(connection, batch))
                                    .replaceWith(batch.size());
                        }))
                .invoke(count -> {
                    advanceHorizon(from, scanned.get());
                    if (count > 0) {
                        published(attempted.get()); // counted once committed: a rolled-back batch is published again
                    }
                })
                // after the rollback, so the rows are no longer locked by this relay
                .onFailure().call(failure -> attempted.get() == null ? Uni.createFrom().voidItem()
                        : outbox.markFailed(attempted.get(), describe(failure)).onFailure().recoverWithNull());
    }

    /** The horizon, or 0 (every pending event) when the last full scan is {@value #FULL_SCAN_EVERY_SECONDS} s old. */
    private long scanFrom() {
        synchronized (state) {
            long now = System.nanoTime();
            if (now - lastFullScan >= FULL_SCAN_EVERY_NANOS) {
                lastFullScan = now;
                return 0;
            }
            return horizon;
        }
    }

    /**
     * After a committed poll: a partial batch saw every pending event from {@code from} on, so the next poll
     * may start at the scan's horizon; a full batch only up to its last event's transaction.
     */
    private void advanceHorizon(long from, OutboxRepository.Pending scan) {
        long reached = scan.events().size() < settings.batchSize() ? scan.horizon() : Math.min(scan.horizon(), scan.lastTxid());
        synchronized (state) {
            horizon = Math.max(horizon, Math.max(from, reached));
        }
    }

    private void published(List<OutboxEvent> batch) {
        metrics.published(batch.size());
        LOG.debugf("Published %d events (last %s)", batch.size(), batch.get(batch.size() - 1).eventId());
    }

    private void succeeded(int count) {
        boolean again;
        synchronized (state) {
            running = false;
            if (failures > 0) {
                LOG.infof("Event relay recovered after %d failed attempts", failures);
            }
            failures = 0;
            again = count >= settings.batchSize() || wakeRequested;
        }
        schedule(again ? Duration.ZERO : settings.interval());
    }

    private void failed(Throwable failure) {
        Duration pause;
        synchronized (state) {
            running = false;
            failures++;
            // exponential backoff with jitter, capped: a broker that is down is retried, not hammered
            long cap = Math.min(settings.maxBackoff().toMillis(), settings.interval().toMillis() << Math.min(failures, 10));
            pause = Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
            if (failures == 1) {
                LOG.warnf("Event relay failed, retrying with backoff: %s", describe(failure));
            } else {
                LOG.debugf("Event relay attempt %d failed: %s", failures, describe(failure));
            }
        }
        metrics.publishFailed();
        schedule(pause);
    }

    /** Refreshes the backlog gauges every few seconds and deletes old published rows once a minute. */
    private Uni<Void> housekeepingIfDue() {
        long now = System.nanoTime();
        boolean cleanup;
        synchronized (state) {
            if (lastBacklog != 0 && now - lastBacklog < BACKLOG_EVERY.toNanos()) {
                return Uni.createFrom().voidItem();
            }
            lastBacklog = now;
            cleanup = lastCleanup == 0 || now - lastCleanup >= CLEANUP_EVERY.toNanos();
            if (cleanup) {
                lastCleanup = now;
            }
        }
        Uni<Integer> deleted = cleanup ? outbox.deletePublishedOlderThan(settings.retention()) : Uni.createFrom().item(0);
        return deleted
                .flatMap(ignored -> outbox.backlog(currentHorizon()))
                .invoke(metrics::backlog)
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private long currentHorizon() {
        synchronized (state) {
            return horizon;
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
