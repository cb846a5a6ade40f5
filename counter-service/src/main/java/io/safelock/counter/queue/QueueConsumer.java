package io.safelock.counter.queue;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.safelock.counter.events.CounterUpdated;
import io.safelock.counter.events.NotificationPublisher;
import io.safelock.counter.metrics.CounterMetrics;
import io.safelock.counter.service.FencedOutException;
import io.safelock.counter.service.LockedUpdate;
import io.safelock.counter.service.Mode;
import io.safelock.counter.service.Think;
import io.safelock.counter.service.UpdateResult;
import io.safelock.counter.store.CounterStore;
import io.safelock.counter.store.FenceClaim;
import io.safelock.lock.LockGuard;
import io.safelock.lock.LockName;
import io.safelock.lock.LockWaitTimeoutException;
import io.safelock.lock.Locks;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Consumer loops of this replica. A loop picks a counter with queued requests, takes that counter's lock
 * and, while holding it, takes and applies up to a batch of requests one by one in queue order. Taking
 * under the lock is what makes the order hold across replicas; the in-flight slot (see the take script)
 * is what lets the next holder finish a request whose consumer died.
 */
@Singleton
public class QueueConsumer {

    private static final Logger LOG = Logger.getLogger(QueueConsumer.class);
    private static final int CANDIDATES = 32;
    private static final Duration ERROR_PAUSE = Duration.ofMillis(500);

    private final UpdateQueue queue;
    private final CounterStore store;
    private final Locks locks;
    private final NotificationPublisher notifications;
    private final CounterMetrics metrics;
    private final Vertx vertx;
    private final String replica;
    private final CounterConfig.Queue config;
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastErrorLog = new AtomicLong();
    private volatile boolean stopping;
    private CountDownLatch stopped = new CountDownLatch(0);
    /** What each loop is doing, for the shutdown warning. */
    private final Map<Integer, String> activity = new ConcurrentHashMap<>();
    private final Duration cycleTimeout;

    public QueueConsumer(UpdateQueue queue, CounterStore store, Locks locks, NotificationPublisher notifications,
                         CounterMetrics metrics, Vertx vertx, Replica replica, CounterConfig config) {
        this.queue = queue;
        this.store = store;
        this.locks = locks;
        this.notifications = notifications;
        this.metrics = metrics;
        this.vertx = vertx;
        this.replica = replica.name();
        this.config = config.queue();
        // a last resort against a cycle that never ends: longer than any healthy batch can take
        this.cycleTimeout = config.queue().lockWait().plus(config.queue().leaseTtl())
                .plus(Duration.ofMillis((long) config.queue().batchSize() * (config.limits().maxThinkTimeMs() + 5_000L)));
    }

    void start(@Observes StartupEvent event) {
        int loops = config.consumers();
        stopped = new CountDownLatch(loops);
        for (int i = 0; i < loops; i++) {
            int loop = i;
            vertx.runOnContext(() -> next(loop, Duration.ZERO));
        }
        LOG.infof("[%s] %d queue consumer loop(s) started (lease %s, batch %d)", replica, loops, config.leaseTtl(), config.batchSize());
    }

    /** Lets running batches finish their current request, so a graceful stop leaves nothing in flight. */
    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        try {
            if (!stopped.await(config.leaseTtl().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                LOG.warnf("[%s] queue consumers still busy at shutdown (%s); their in-flight requests will be recovered by other replicas",
                        replica, activity);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void next(int loop, Duration delay) {
        if (stopping) {
            activity.put(loop, "stopped");
            stopped.countDown();
            return;
        }
        activity.put(loop, "idle");
        vertx.setTimer(Math.max(1, delay.toMillis()), id -> cycle(loop).ifNoItem().after(cycleTimeout).fail().subscribe().with(
                didWork -> next(loop, didWork ? Duration.ZERO : config.idlePoll()),
                failure -> {
                    logThrottled(failure);
                    next(loop, ERROR_PAUSE);
                }));
    }

    /** True when it applied or at least looked at a request, so the loop goes on without pausing. */
    private Uni<Boolean> cycle(int loop) {
        activity.put(loop, "looking for work since " + java.time.Instant.now());
        return queue.readyCounters(CANDIDATES).flatMap(names -> {
            String counter = claim(loop, names);
            if (counter == null) {
                return Uni.createFrom().item(false);
            }
            activity.put(loop, "draining " + counter + " since " + java.time.Instant.now());
            return drainUnderLock(counter).eventually(() -> claimed.remove(counter));
        });
    }

    /** A counter no other loop of this replica is draining; loops start at different offsets to spread out. */
    private String claim(int loop, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            String name = names.get((i + loop) % names.size());
            if (claimed.add(name)) {
                return name;
            }
        }
        return null;
    }

    private Uni<Boolean> drainUnderLock(String counter) {
        LockName name = LockedUpdate.lockName(counter);
        LOG.debugf("[%s] acquiring lock %s to drain its queue", replica, name);
        return locks.withLock(name, config.leaseTtl(), config.lockWait(), guard -> {
                    LOG.debugf("[%s] acquired lock %s (fencing token %d), draining queue", replica, name, guard.fencingToken());
                    // one claim per lease; each apply then checks the fence still carries this token
                    return store.claim(counter, guard.fencingToken())
                            .flatMap(claim -> claim instanceof FenceClaim.Refused refused
                                    ? Uni.createFrom().<Integer>failure(new FencedOutException(counter, guard.fencingToken(), refused.recorded()))
                                    : drain(counter, guard, 0))
                            .invoke(count -> LOG.debugf("[%s] releasing lock %s after %d queued request(s)", replica, name, count));
                })
                .map(count -> count > 0)
                .onFailure(LockWaitTimeoutException.class).recoverWithItem(busy -> {
                    LOG.debugf("[%s] failed to acquire lock %s: another replica is draining it — retrying later", replica, name);
                    return false;
                })
                .onFailure(FencedOutException.class).recoverWithItem(fenced -> {
                    LOG.infof("[%s] stopped draining %s: %s", replica, counter, fenced.getMessage());
                    return false;
                });
    }

    private Uni<Integer> drain(String counter, LockGuard guard, int done) {
        if (done >= config.batchSize() || stopping || guard.isLost()) {
            return Uni.createFrom().item(done);
        }
        return queue.take(counter).flatMap(taken -> taken.isEmpty()
                ? Uni.createFrom().item(done)
                : process(counter, guard, taken.get()).flatMap(ignored -> drain(counter, guard, done + 1)));
    }

    private Uni<Void> process(String counter, LockGuard guard, Taken taken) {
        if (taken.recovered()) {
            LOG.infof("[%s] recovered request %s (position %d) of %s, left in flight by %s", replica, taken.requestId(),
                    taken.position(), counter, taken.takenBy());
        }
        LOG.debugf("[%s] in critical section of %s: applying request %s (position %d, by %d)", replica, counter,
                taken.requestId(), taken.position(), taken.by());
        return Think.pause(taken.thinkMs())
                .flatMap(ignored -> {
                    guard.ensureHeld();
                    return queue.apply(counter, taken.requestId(), guard.fencingToken());
                })
                .map(applied -> {
                    switch (applied.outcome()) {
                        case APPLIED -> {
                            metrics.updated(Mode.QUEUED);
                            UpdateResult result = new UpdateResult(counter, applied.value(), Mode.QUEUED.tag(), replica, guard.fencingToken());
                            notifications.publish(CounterUpdated.of(result, taken.by(), taken.requestId()));
                        }
                        case ALREADY_APPLIED -> LOG.debugf("[%s] request %s was already applied", replica, taken.requestId());
                        case FAILED -> LOG.warnf("[%s] request %s of %s failed: %s", replica, taken.requestId(), counter, applied.error());
                        case FENCED, NOT_IN_FLIGHT -> throw new FencedOutException(counter, guard.fencingToken());
                    }
                    return null;
                });
    }

    /** An outage would otherwise log every idle poll: warn at most every few seconds. */
    private void logThrottled(Throwable failure) {
        long now = System.currentTimeMillis();
        long last = lastErrorLog.get();
        if (now - last > 5000 && lastErrorLog.compareAndSet(last, now)) {
            LOG.warnf("[%s] queue consumer failed: %s", replica, failure.toString());
        } else {
            LOG.debugf("[%s] queue consumer failed: %s", replica, failure.toString());
        }
    }
}
