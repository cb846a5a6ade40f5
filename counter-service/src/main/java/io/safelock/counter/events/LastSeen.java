package io.safelock.counter.events;

import io.safelock.counter.config.Replica;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This replica's memory of the notifications it received: per counter the last value and how many
 * distinct updates, and a live stream for Server-Sent Events. Ids of recent notifications are remembered
 * so a resent copy is not counted twice.
 */
@Singleton
public class LastSeen {

    private static final int REMEMBERED_IDS = 200_000;

    private final String replica;
    private final Map<String, CounterView> views = new ConcurrentHashMap<>();
    private final BroadcastProcessor<SeenUpdate> live = BroadcastProcessor.create();
    private final Map<String, Boolean> recentIds = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    };

    public LastSeen(Replica replica) {
        this.replica = replica.name();
    }

    /** False if this notification had been received before (a resend): nothing changes then. */
    public boolean record(CounterUpdated update) {
        SeenUpdate seen;
        synchronized (this) {
            if (recentIds.putIfAbsent(update.eventId(), Boolean.TRUE) != null) {
                return false;
            }
            seen = SeenUpdate.of(update, replica);
            views.merge(update.counter(), view(update, 1, update.value()), (old, fresh) -> view(update, old.received() + 1,
                    old.highestValue() == null ? update.value() : Math.max(old.highestValue(), update.value())));
            live.onNext(seen);
        }
        return true;
    }

    public CounterView view(String counter) {
        return views.getOrDefault(counter, new CounterView(counter, replica, 0, null, null, null, null, null, null));
    }

    /** Notifications about {@code counter} from now on. */
    public Multi<SeenUpdate> stream(String counter) {
        return live.select().where(update -> update.counter().equals(counter)).onOverflow().buffer(10_000);
    }

    private CounterView view(CounterUpdated update, long received, long highest) {
        return new CounterView(update.counter(), replica, received, update.value(), highest, update.eventId(), update.replica(),
                update.mode(), Instant.now());
    }
}
