package io.safelock.lock.primitives;

import io.safelock.lock.LockName;
import io.safelock.lock.redis.LuaScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One caller's claim on a primitive: which keys, which script, and the state that lasts across its
 * attempts (its waiter id, its fair-queue ticket, the semaphore slots the nodes agreed on last).
 */
final class Claim {

    /** What is claimed; {@code family} names the keys, {@code side} tags metrics and logs. */
    enum Kind {
        READ("rw", "read"), WRITE("rw", "write"), PERMITS("sem", "permits"), FAIR("fair", "fair");

        final String family;
        final String side;

        Kind(String family, String side) {
            this.family = family;
            this.side = side;
        }
    }

    final Kind kind;
    final LockName name;
    final String waiter = newToken();
    final int totalPermits;
    final int permits;
    private final String base;
    /** The node's fence sequence, shared with the plain lock: one key per node, whatever the names. */
    private final String fenceSequence;
    private final String channel;
    private final long markMs;
    private final long heartbeatMs;
    /** Fair lock: this waiter's place in the queue, taken once per acquire call. */
    long ticket;
    /** Fair lock: an attempt has placed this waiter in the queue under its ticket. */
    boolean joined;
    /** Semaphore: slots a quorum of nodes had free last time, proposed again so the nodes agree. */
    String preferredSlots = "";

    Claim(Kind kind, LockName name, String keyPrefix, int totalPermits, int permits, long markMs, long heartbeatMs) {
        this.kind = kind;
        this.name = name;
        this.totalPermits = totalPermits;
        this.permits = permits;
        this.base = keyPrefix + "{" + name.value() + "}:" + kind.family;
        this.fenceSequence = keyPrefix + "fence";
        this.channel = keyPrefix + "primitives-released";
        this.markMs = markMs;
        this.heartbeatMs = heartbeatMs;
    }

    /** The name release notifications carry: one per primitive and lock name. */
    String signalName() {
        return base;
    }

    String channel() {
        return channel;
    }

    /** Metric tag: the lock group and the side, e.g. {@code product/read}. */
    String metricGroup() {
        return name.group() + "/" + kind.side;
    }

    long heartbeatMs() {
        return heartbeatMs;
    }

    private List<String> common() {
        List<String> keys = new ArrayList<>(7);
        keys.add(base + ":holders");
        keys.add(base + ":leases");
        keys.add(fenceSequence);
        keys.add(base + ":waiting");
        return keys;
    }

    private List<String> withExtras() {
        List<String> keys = common();
        switch (kind) {
            case READ, WRITE -> {
                keys.add(base + ":writer");
                keys.add(base + ":writer-waiting");
            }
            case FAIR -> {
                keys.add(base + ":queue");
                keys.add(heartbeatKey());
            }
            case PERMITS -> { }
        }
        return keys;
    }

    private String heartbeatKey() {
        return heartbeatPrefix() + waiter;
    }

    private String heartbeatPrefix() {
        return base + ":waiter:";
    }

    /** Tickets are steps of the node's fence sequence too: no counter per name is left behind. */
    List<String> ticketKeys() {
        return List.of(fenceSequence, base + ":queue", heartbeatKey());
    }

    List<String> ticketArgs() {
        return List.of(waiter, Long.toString(heartbeatMs));
    }

    LuaScript acquireScript() {
        return switch (kind) {
            case READ -> PrimitiveScripts.READ;
            case WRITE -> PrimitiveScripts.WRITE;
            case PERMITS -> PrimitiveScripts.SEMAPHORE;
            case FAIR -> PrimitiveScripts.FAIR;
        };
    }

    List<String> acquireKeys() {
        if (kind == Kind.FAIR) {
            List<String> keys = common();
            keys.add(base + ":queue");
            keys.add(fenceSequence);
            keys.add(heartbeatKey());
            return keys;
        }
        return withExtras();
    }

    List<String> acquireArgs(String token, Duration ttl) {
        String ms = Long.toString(ttl.toMillis());
        return switch (kind) {
            case READ -> List.of(token, ms);
            case WRITE -> List.of(token, ms, waiter, Long.toString(markMs));
            case PERMITS -> List.of(token, ms, Integer.toString(totalPermits), Integer.toString(permits), preferredSlots);
            case FAIR -> List.of(token, ms, waiter, Long.toString(ticket), Long.toString(heartbeatMs), heartbeatPrefix(), joined ? "1" : "0");
        };
    }

    List<String> raiseKeys() {
        List<String> keys = common();
        return List.of(keys.get(0), keys.get(2));
    }

    List<String> extendKeys() {
        List<String> keys = withExtras();
        return kind == Kind.FAIR ? keys.subList(0, 4) : keys;
    }

    List<String> releaseKeys() {
        return withExtras();
    }

    /** @param keepWaiting an undone attempt of a caller that goes on waiting: keep its writer mark or queue place */
    List<String> releaseArgs(String token, boolean keepWaiting) {
        return List.of(token, channel, signalName(), kind.family, waiter, keepWaiting ? "1" : "0",
                Long.toString(ticket), Long.toString(heartbeatMs));
    }

    static String newToken() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }
}
