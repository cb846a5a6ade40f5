package io.safelock.lock;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wakes the waiter at the front of a {@link LocalLine} when Redis says the lock was released, so a
 * freed lock is picked up within a round trip instead of after a backoff sleep.
 */
final class ReleaseSignals {

    private final Map<String, List<UniEmitter<? super Void>>> sleepers = new ConcurrentHashMap<>();
    private final AtomicLong releases = new AtomicLong();

    /** A stamp to take before an attempt: {@link #sleep} returns at once if any release came after it. */
    long stamp() {
        return releases.get();
    }

    /** Completes on the next release of {@code name}, or after {@code max}, whichever comes first. */
    Uni<Void> sleep(String name, Duration max, long stamp) {
        if (releases.get() != stamp) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().<Void>emitter(emitter -> {
            sleepers.compute(name, (n, list) -> {
                List<UniEmitter<? super Void>> updated = list == null ? new ArrayList<>(2) : list;
                updated.add(emitter);
                return updated;
            });
            emitter.onTermination(() -> sleepers.computeIfPresent(name, (n, list) -> {
                list.remove(emitter);
                return list.isEmpty() ? null : list;
            }));
            if (releases.get() != stamp) {
                emitter.complete(null); // released between the stamp and the registration
            }
        }).ifNoItem().after(max).recoverWithItem(() -> null).replaceWithVoid();
    }

    void released(String name) {
        releases.incrementAndGet();
        List<UniEmitter<? super Void>> woken = sleepers.remove(name);
        if (woken != null) {
            woken.forEach(emitter -> emitter.complete(null));
        }
    }
}
