package io.safelock.counter.experiment;

import io.safelock.lock.quarkus.http.InvalidInputException;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.safelock.counter.metrics.CounterMetrics;
import io.safelock.counter.queue.QueuedRequest;
import io.safelock.counter.queue.UpdateQueue;
import io.safelock.counter.service.CounterService;
import io.safelock.counter.service.InputRules;
import io.safelock.counter.service.Mode;
import io.safelock.counter.store.CounterStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The lost-update demonstration as data: concurrent workers in this replica increment one counter, each
 * increment after the previous one of the same worker, and the counter's movement is compared with the
 * number of increments made. Workers are timers and callbacks, not threads, so 64 of them cost nothing.
 */
@Singleton
public class RaceExperiment {

    private static final Logger LOG = Logger.getLogger(RaceExperiment.class);
    private static final Duration QUEUE_POLL = Duration.ofMillis(50);
    private static final int AWAIT_CHUNK = 500;

    private final CounterService counters;
    private final CounterStore store;
    private final UpdateQueue queue;
    private final InputRules rules;
    private final CounterMetrics metrics;
    private final String replica;
    private final Duration maxDuration;

    public RaceExperiment(CounterService counters, CounterStore store, UpdateQueue queue, InputRules rules, CounterMetrics metrics, Replica replica,
                          CounterConfig config) {
        this.counters = counters;
        this.store = store;
        this.queue = queue;
        this.rules = rules;
        this.metrics = metrics;
        this.replica = replica.name();
        this.maxDuration = config.experiments().maxDuration();
    }

    public Uni<RaceResult> run(RaceRequest request) {
        if (request == null) {
            throw new InvalidInputException("request body is required");
        }
        String counter = rules.name(request.counter());
        Mode mode = Mode.parse(request.mode());
        int workers = rules.workers(request.workers());
        int perWorker = rules.incrementsPerWorker(request.incrementsPerWorker(), workers);
        int thinkMs = rules.thinkTimeMs(request.thinkTimeMs(), counters.defaultThinkMs());
        long deadline = System.nanoTime() + maxDuration.toNanos();
        AtomicLong failed = new AtomicLong();
        LOG.infof("[%s] race experiment on %s: %d workers x %d %s increments, think %d ms", replica, counter, workers, perWorker,
                mode.tag(), thinkMs);
        Uni<Long> grantLogStart = mode == Mode.FAIR ? store.fairGrantCount(counter) : Uni.createFrom().item(-1L);
        return grantLogStart.flatMap(firstGrant -> counters.value(counter).flatMap(before -> {
            long started = System.nanoTime();
            Uni<Boolean> work = mode == Mode.QUEUED
                    ? queued(counter, workers, perWorker, thinkMs, deadline, failed)
                    : direct(counter, mode, workers, perWorker, thinkMs, deadline, failed);
            return work.flatMap(completed -> fifoOf(firstGrant, counter).flatMap(check -> counters.value(counter).map(after -> {
                long expected = (long) workers * perWorker - failed.get();
                long actual = after - before;
                long lost = Math.max(0, expected - actual);
                metrics.lost(lost);
                long durationMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
                LOG.infof("[%s] race experiment on %s (%s): expected %d, actual %d, lost %d, failed %d in %d ms", replica, counter,
                        mode.tag(), expected, actual, lost, failed.get(), durationMs);
                if (check != null) {
                    LOG.infof("[%s] race experiment on %s (fair): %d grants since it began, %d out of arrival order, %d ties",
                            replica, counter, check.grants(), check.inversions(), check.ties());
                }
                return new RaceResult(counter, mode.tag(), replica, workers, perWorker, thinkMs, expected, actual, lost, failed.get(),
                        before, after, durationMs, completed, check);
            })));
        }));
    }

    /** Fair mode: the FIFO check over every replica's grants on the counter since this experiment began. */
    private Uni<FifoCheck> fifoOf(long firstGrant, String counter) {
        return firstGrant < 0 ? Uni.createFrom().nullItem() : store.fairGrantsFrom(counter, firstGrant).map(FifoCheck::of);
    }

    private Uni<Boolean> direct(String counter, Mode mode, int workers, int perWorker, int thinkMs, long deadline, AtomicLong failed) {
        return Multi.createFrom().range(0, workers)
                .onItem().transformToUni(worker -> Multi.createFrom().range(0, perWorker)
                        .onItem().transformToUniAndConcatenate(i -> {
                            if (System.nanoTime() > deadline) {
                                failed.incrementAndGet();
                                return Uni.createFrom().item(0);
                            }
                            return counters.increment(counter, 1, mode, thinkMs).replaceWith(1)
                                    .onFailure().recoverWithItem(failure -> {
                                        failed.incrementAndGet();
                                        LOG.debugf("[%s] experiment increment failed: %s", replica, failure.toString());
                                        return 0;
                                    });
                        })
                        .collect().asList())
                .merge(workers)
                .collect().asList()
                .map(ignored -> System.nanoTime() <= deadline);
    }

    /** Workers enqueue; the experiment then waits until every one of its requests has been applied. */
    private Uni<Boolean> queued(String counter, int workers, int perWorker, int thinkMs, long deadline, AtomicLong failed) {
        return Multi.createFrom().range(0, workers)
                .onItem().transformToUni(worker -> Multi.createFrom().range(0, perWorker)
                        .onItem().transformToUniAndConcatenate(i -> queue.enqueue(counter, 1, thinkMs).map(QueuedRequest::requestId)
                                .onFailure().recoverWithUni(failure -> {
                                    failed.incrementAndGet();
                                    return Uni.createFrom().nullItem();
                                }))
                        .collect().asList())
                .merge(workers)
                .collect().in(java.util.ArrayList<String>::new, List::addAll)
                .flatMap(ids -> awaitApplied(ids.stream().filter(java.util.Objects::nonNull).toList(), deadline));
    }

    /** Checks a chunk at a time from the oldest: requests are applied in queue order, so earlier chunks finish first. */
    private Uni<Boolean> awaitApplied(List<String> ids, long deadline) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(true);
        }
        List<String> chunk = ids.subList(0, Math.min(ids.size(), AWAIT_CHUNK));
        return queue.countFinished(chunk).flatMap(finished -> {
            if (finished >= chunk.size()) {
                return awaitApplied(ids.subList(chunk.size(), ids.size()), deadline);
            }
            if (System.nanoTime() > deadline) {
                return Uni.createFrom().item(false);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(QUEUE_POLL).flatMap(ignored -> awaitApplied(ids, deadline));
        });
    }
}
