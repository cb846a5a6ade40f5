package io.safelock.counter.store;

import io.safelock.counter.config.CounterConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Names of every key this service writes in the counter Redis, all behind {@code counter.key-prefix}. */
@Singleton
public class Keys {

    private final String prefix;

    @Inject
    public Keys(CounterConfig config) {
        this(config.keyPrefix());
    }

    public Keys(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    public String value(String counter) {
        return prefix + "value:" + counter;
    }

    /** The fencing token that last claimed the counter: claims need a greater one, writes this one. */
    public String fence(String counter) {
        return prefix + "fence:" + counter;
    }

    /** The counter's FIFO queue of request ids (pushed left, taken right). */
    public String queue(String counter) {
        return prefix + "queue:" + counter;
    }

    /** The one request of the counter's queue being applied (hash: requestId, replica, takenAt). */
    public String inFlight(String counter) {
        return prefix + "inflight:" + counter;
    }

    /** Positions handed out to the counter's queued requests. */
    public String queueSequence(String counter) {
        return prefix + "queue-seq:" + counter;
    }

    /** How many of the counter's queued requests have been applied: the order of application. */
    public String appliedSequence(String counter) {
        return prefix + "applied-seq:" + counter;
    }

    /** A queued request's status hash; its {@code status} field is the applied marker. */
    public String request(String requestId) {
        return prefix + "request:" + requestId;
    }

    /** Counters that have queued or in-flight requests, scored by when they first had one. */
    public String readyCounters() {
        return prefix + "queue-ready";
    }

    /** Every queued, not yet applied request id, scored by enqueue time in ms (depth and oldest age). */
    public String pending() {
        return prefix + "queue-pending";
    }

    /**
     * Fair mode: the tickets (order of arrival at the lock nodes) of the counter's fair-lock holders, pushed
     * by each holder while it holds, so the list's order is the order of the grants.
     */
    public String fairGrants(String counter) {
        return prefix + "fair-grants:" + counter;
    }

    /** Marker of an applied increment command. */
    public String command(String commandId) {
        return prefix + "command:" + commandId;
    }

    public String unitsSold(String productId) {
        return prefix + "units-sold:" + productId;
    }

    /** Marker of an applied inventory event. */
    public String inventoryEvent(String eventId) {
        return prefix + "inventory-event:" + eventId;
    }
}
