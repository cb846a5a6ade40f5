package io.safelock.lock.primitives;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Wakes waiters of a primitive when a node announces a release of it, instead of their backoff running out. */
final class Wakeups {

    private final Map<String, List<UniEmitter<? super Void>>> sleepers = new ConcurrentHashMap<>();
    /** Counts every release seen (any name): a per-name count would keep one entry per name forever. */
    private final AtomicLong releases = new AtomicLong();

    /** Take before an attempt: {@link #sleep} returns at once if a release of {@code name} came after it. */
    long stamp(String name) {
        return releases.get();
    }

    Uni<Void> sleep(String name, Duration max, long stamp) {
        AtomicLong count = releases;
        if (count.get() != stamp) {
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
            if (count.get() != stamp) {
                emitter.complete(null);
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
