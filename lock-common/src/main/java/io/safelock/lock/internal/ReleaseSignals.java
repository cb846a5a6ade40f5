package io.safelock.lock.internal;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * Wakes the waiter at the front of a {@code LocalLine} when Redis says the lock was released, so a
 * freed lock is picked up within a round trip instead of after a backoff sleep.
 *
 * <p>Releases are counted per name (in a fixed number of stripes, so memory stays bounded whatever
 * names callers use): a release of another lock does not cut a waiter's backoff short, which under
 * contention on many names would make waiters of a hot name spin against Redis.
 *
 * <p>Internal (no compatibility promise): the plain lock and the primitives in {@code io.safelock.lock.primitives}
 * wake their waiters the same way.
 */
public final class ReleaseSignals {

    private static final int STRIPES = 256;

    private final Map<String, List<UniEmitter<? super Void>>> sleepers = new ConcurrentHashMap<>();
    private final AtomicLongArray releases = new AtomicLongArray(STRIPES);

    private static int stripe(String name) {
        int h = name.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** A stamp to take before an attempt: {@link #sleep} returns at once if {@code name} was released after it. */
    public long stamp(String name) {
        return releases.get(stripe(name));
    }

    /**
     * Completes on the next release of {@code name}, after {@code max}, or when the runnable handed to
     * {@code wakeHook} is run (a caller that gives up), whichever comes first.
     */
    public Uni<Void> sleep(String name, Duration max, long stamp, Consumer<Runnable> wakeHook) {
        int stripe = stripe(name);
        if (releases.get(stripe) != stamp) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().<Void>emitter(emitter -> {
            // the deadline is set inside the emitter, whose subscriber is wired before any signal can come
            java.util.concurrent.ScheduledFuture<?> deadline = Deadlines.schedule(() -> emitter.complete(null), max);
            sleepers.compute(name, (n, list) -> {
                List<UniEmitter<? super Void>> updated = list == null ? new ArrayList<>(2) : list;
                updated.add(emitter);
                return updated;
            });
            emitter.onTermination(() -> {
                deadline.cancel(false);
                sleepers.computeIfPresent(name, (n, list) -> {
                    list.remove(emitter);
                    return list.isEmpty() ? null : list;
                });
            });
            wakeHook.accept(() -> emitter.complete(null));
            if (releases.get(stripe) != stamp) {
                emitter.complete(null); // released between the stamp and the registration
            }
        });
    }

    public void released(String name) {
        releases.incrementAndGet(stripe(name));
        List<UniEmitter<? super Void>> woken = sleepers.remove(name);
        if (woken != null) {
            woken.forEach(emitter -> emitter.complete(null));
        }
    }
}
