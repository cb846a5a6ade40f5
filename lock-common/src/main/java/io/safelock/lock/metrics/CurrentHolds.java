package io.safelock.lock.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The holds this process has now, with when each began: the source of {@code lock_oldest_hold_seconds}
 * and of the hang warning. A holder that keeps extending far past what its work should take shows up
 * here while it still holds, unlike {@code lock_hold_seconds}, which records a hold only when it ends.
 */
public final class CurrentHolds {

    private static final Logger LOG = Logger.getLogger(CurrentHolds.class);

    private record Entry(String group, String lock, long fencingToken, long startedNanos, BooleanSupplier stillHeld, boolean[] warned) {
    }

    private final Map<Object, Entry> holds = new ConcurrentHashMap<>();
    private final Duration warnAfter;

    /** @param warnAfter log a warning once for each hold older than this; null or zero: never */
    public CurrentHolds(Duration warnAfter) {
        this.warnAfter = warnAfter == null || warnAfter.isZero() || warnAfter.isNegative() ? null : warnAfter;
    }

    public void started(Object hold, String group, String lock, long fencingToken) {
        started(hold, group, lock, fencingToken, () -> true);
    }

    /** @param stillHeld false once the hold has ended without {@link #ended} (its lease ran out unreleased) */
    public void started(Object hold, String group, String lock, long fencingToken, BooleanSupplier stillHeld) {
        holds.put(hold, new Entry(group, lock, fencingToken, System.nanoTime(), stillHeld, new boolean[1]));
    }

    private Iterable<Entry> current() {
        holds.entrySet().removeIf(e -> !e.getValue().stillHeld().getAsBoolean());
        return holds.values();
    }

    public void ended(Object hold) {
        holds.remove(hold);
    }

    /** Seconds since the oldest current hold of the group began; 0 when the group holds nothing. */
    public double oldestSeconds(String group) {
        long now = System.nanoTime();
        long oldest = 0;
        for (Entry entry : current()) {
            if (entry.group().equals(group)) {
                oldest = Math.max(oldest, now - entry.startedNanos());
            }
        }
        return oldest / 1e9;
    }

    /** Logs one warning per hold that has passed the threshold; call it periodically. Returns how many are past it. */
    public int warnAboutLongHolds() {
        if (warnAfter == null) {
            return 0;
        }
        long now = System.nanoTime();
        int past = 0;
        for (Entry entry : current()) {
            long heldNanos = now - entry.startedNanos();
            if (heldNanos >= warnAfter.toNanos()) {
                past++;
                synchronized (entry.warned()) {
                    if (!entry.warned()[0]) {
                        entry.warned()[0] = true;
                        LOG.warnf("lock=%s token=%d outcome=held-long held_ms=%d threshold_ms=%d", entry.lock(), entry.fencingToken(),
                                heldNanos / 1_000_000, warnAfter.toMillis());
                    }
                }
            }
        }
        return past;
    }

    public Duration warnAfter() {
        return warnAfter;
    }
}
