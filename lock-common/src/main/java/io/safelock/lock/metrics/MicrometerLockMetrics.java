package io.safelock.lock.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer meters; Prometheus names: {@code lock_acquire_seconds{group,outcome}},
 * {@code lock_wait_seconds}, {@code lock_hold_seconds}, {@code lock_contended_attempts_total},
 * {@code lock_extensions_total{outcome}}, {@code lock_leases_lost_total},
 * {@code lock_releases_expired_total}, {@code lock_held}, {@code lock_waiting},
 * {@code lock_node_errors_total{node,reason}}, {@code lock_quorum_failures_total},
 * {@code lock_oldest_hold_seconds} (age of the oldest hold now, so a hung holder shows while it holds).
 */
public final class MicrometerLockMetrics implements LockMetrics {

    /** Every series of one group, registered together the first time the group is seen. */
    private record Meters(Map<Outcome, Timer> acquire, Timer waited, Timer held, Counter contended, Counter extensionsOk,
                          Counter extensionsFailed, Counter leasesLost, Counter releasesExpired, Counter quorumFailures,
                          AtomicInteger holding, AtomicInteger waiting) { }

    private final MeterRegistry registry;
    // Looked up once per group: a builder and a registry lookup per lock operation cost more hashing and
    // allocation than the operation's own bookkeeping.
    private final Map<String, Meters> groups = new ConcurrentHashMap<>();
    private final CurrentHolds currentHolds;

    public MicrometerLockMetrics(MeterRegistry registry) {
        this(registry, new CurrentHolds(null));
    }

    /** @param currentHolds the holds of this process now: {@code lock_oldest_hold_seconds} reads them */
    public MicrometerLockMetrics(MeterRegistry registry, CurrentHolds currentHolds) {
        this.registry = registry;
        this.currentHolds = currentHolds;
    }

    public CurrentHolds currentHolds() {
        return currentHolds;
    }

    /**
     * The group's meters, all registered at zero the first time the group is seen, so dashboards and alerts
     * find "no leases lost" as 0 rather than as a missing series.
     */
    private Meters of(String group) {
        Meters meters = groups.get(group);
        return meters != null ? meters : groups.computeIfAbsent(group, this::register);
    }

    private Meters register(String group) {
        Map<Outcome, Timer> acquire = new java.util.EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            acquire.put(outcome, timer("lock.acquire", "Time of acquire calls by outcome", group, "outcome", outcome.tag()));
        }
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger waiting = new AtomicInteger();
        Meters meters = new Meters(acquire,
                timer("lock.wait", "Time from the acquire call until the lock was granted", group),
                timer("lock.hold", "Time a lease was held, acquire to release", group),
                counter("lock.contended.attempts", "Attempts that found the lock held by another owner", group),
                counter("lock.extensions", "Lease extensions by outcome", group, "outcome", "ok"),
                counter("lock.extensions", "Lease extensions by outcome", group, "outcome", "failed"),
                counter("lock.leases.lost", "Leases lost while work was running", group),
                counter("lock.releases.expired", "Releases of a lease that had already expired", group),
                counter("lock.quorum.failures", "Operations that could not reach a quorum of Redis nodes", group),
                holding, waiting);
        Gauge.builder("lock.held", holding, AtomicInteger::get).description("Leases currently held by this process")
                .tag("group", group).register(registry);
        Gauge.builder("lock.waiting", waiting, AtomicInteger::get).description("Callers currently waiting for a lock in this process")
                .tag("group", group).register(registry);
        Gauge.builder("lock.oldest.hold.seconds", currentHolds, holds -> holds.oldestSeconds(group))
                .description("Age of the oldest lock hold of this group in this process now; 0 when none")
                .tag("group", group).register(registry);
        return meters;
    }

    /** Every reason RedisNode reports, registered at zero per node so "no errors" is 0, not a missing series. */
    static final List<String> NODE_ERROR_REASONS = List.of("timeout", "client_stall", "connection", "error");

    @Override
    public void nodes(List<String> nodes) {
        for (String node : nodes) {
            for (String reason : NODE_ERROR_REASONS) {
                nodeErrors(node, reason);
            }
        }
    }

    @Override
    public void acquireFinished(String group, Outcome outcome, Duration took) {
        of(group).acquire().get(outcome).record(took);
    }

    @Override
    public void waited(String group, Duration waited) {
        of(group).waited().record(waited);
    }

    @Override
    public void held(String group, Duration held) {
        of(group).held().record(held);
    }

    @Override
    public void contended(String group) {
        of(group).contended().increment();
    }

    @Override
    public void extended(String group, boolean ok) {
        (ok ? of(group).extensionsOk() : of(group).extensionsFailed()).increment();
    }

    @Override
    public void leaseLost(String group) {
        of(group).leasesLost().increment();
    }

    @Override
    public void expiredRelease(String group) {
        of(group).releasesExpired().increment();
    }

    @Override
    public void holding(String group, int delta) {
        of(group).holding().addAndGet(delta);
    }

    @Override
    public void waiting(String group, int delta) {
        of(group).waiting().addAndGet(delta);
    }

    @Override
    public void nodeError(String node, String reason) {
        nodeErrors(node, reason).increment();
    }

    @Override
    public void holdStarted(String group, Object hold, String lock, long fencingToken, java.util.function.BooleanSupplier stillHeld) {
        of(group);
        currentHolds.started(hold, group, lock, fencingToken, stillHeld);
    }

    @Override
    public void holdEnded(Object hold) {
        currentHolds.ended(hold);
    }

    /** Rare (a failing node), so looked up per call: the node and reason tags are open-ended. */
    private Counter nodeErrors(String node, String reason) {
        return Counter.builder("lock.node.errors").description("Failed requests to a Redis lock node")
                .tag("node", node).tag("reason", reason).register(registry);
    }

    @Override
    public void quorumFailure(String group) {
        of(group).quorumFailures().increment();
    }

    private Timer timer(String name, String description, String group, String... tags) {
        return Timer.builder(name).description(description).tag("group", group).tags(tags)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    }

    private Counter counter(String name, String description, String group, String... tags) {
        return Counter.builder(name).description(description).tag("group", group).tags(tags).register(registry);
    }
}
