package io.safelock.counter.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;

/** Counter values in Redis and the writes each update mode uses. */
@Singleton
public class CounterStore {

    private final ScriptRunner redis;
    private final Keys keys;

    public CounterStore(ScriptRunner redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public Uni<Long> get(String counter) {
        return redis.send(Command.GET, keys.value(counter)).map(CounterStore::toLong);
    }

    /** The unsafe write: whatever was read before, this value wins. */
    public Uni<Void> set(String counter, long value) {
        return redis.send(Command.SET, keys.value(counter), Long.toString(value)).replaceWithVoid();
    }

    /**
     * Claims the counter for {@code fencingToken} and reads it, in one step: refused unless the token is
     * greater than every token that claimed the counter before. Claiming at read time, not only at the
     * write, stops a holder whose lease ran out from writing between a newer holder's read and write.
     */
    public Uni<FenceClaim> claimAndGet(String counter, long fencingToken) {
        return redis.eval(Scripts.CLAIM_AND_GET, List.of(keys.value(counter), keys.fence(counter)), List.of(Long.toString(fencingToken)))
                .map(r -> r.get(0).toInteger() == 1
                        ? new FenceClaim.Claimed(r.get(1).toLong())
                        : new FenceClaim.Refused(r.get(1).toLong()));
    }

    /** Claims the counter for {@code fencingToken} without reading it (a queue consumer, once per lease). */
    public Uni<FenceClaim> claim(String counter, long fencingToken) {
        return redis.eval(Scripts.CLAIM, List.of(keys.fence(counter)), List.of(Long.toString(fencingToken)))
                .map(r -> r.get(0).toInteger() == 1 ? new FenceClaim.Claimed(0) : new FenceClaim.Refused(r.get(1).toLong()));
    }

    /** True if written; false if another holder has claimed the counter since {@code fencingToken} did. */
    public Uni<Boolean> setIfClaimed(String counter, long value, long fencingToken) {
        return redis.eval(Scripts.SET_IF_CLAIMED, List.of(keys.value(counter), keys.fence(counter)),
                List.of(Long.toString(value), Long.toString(fencingToken))).map(r -> r.toLong() == 1);
    }

    /** The atomic baseline: Redis adds, no read-modify-write in the client. */
    public Uni<Long> incrementBy(String counter, long by) {
        return redis.send(Command.INCRBY, keys.value(counter), Long.toString(by)).map(Response::toLong)
                .onFailure(CounterStore::isOverflow).transform(f -> new CounterOverflowException(counter, by));
    }

    /**
     * Claims the counter for {@code fencingToken} and sets it to 0, in one step; refused (nothing written)
     * if the fence already carries this token or a later one. The fence never falls, so a reset whose holder
     * was paused past its lease cannot let older holders write again.
     */
    public Uni<FenceClaim> reset(String counter, long fencingToken) {
        return redis.eval(Scripts.RESET, List.of(keys.value(counter), keys.fence(counter)), List.of(Long.toString(fencingToken)))
                .map(r -> r.get(0).toInteger() == 1 ? new FenceClaim.Claimed(0) : new FenceClaim.Refused(r.get(1).toLong()));
    }

    /**
     * Adds {@code by} unless {@code markerKey} exists, and writes the marker in the same step; claims the
     * counter for {@code fencingToken} in that step too (refused: {@code FENCED}).
     */
    public Uni<OnceResult> applyOnce(String counter, long by, long fencingToken, String markerKey, Duration markerTtl, String replica) {
        return redis.eval(Scripts.APPLY_ONCE, List.of(keys.value(counter), keys.fence(counter), markerKey),
                        List.of(Long.toString(by), Long.toString(fencingToken), Long.toString(Math.max(1, markerTtl.toSeconds())), replica))
                .map(r -> switch (r.get(0).toInteger()) {
                    case 1 -> new OnceResult(OnceResult.Outcome.APPLIED, r.get(1).toLong());
                    case 0 -> new OnceResult(OnceResult.Outcome.DUPLICATE, r.get(1).toLong());
                    case -1 -> new OnceResult(OnceResult.Outcome.FENCED, 0);
                    default -> throw new CounterOverflowException(counter, by);
                });
    }

    /** Adds {@code quantity} to {@code totalKey} once per {@code markerKey}. */
    public Uni<OnceResult> countOnce(String totalKey, long quantity, String markerKey, Duration markerTtl) {
        return redis.eval(Scripts.COUNT_ONCE, List.of(totalKey, markerKey),
                        List.of(Long.toString(quantity), Long.toString(Math.max(1, markerTtl.toSeconds()))))
                .map(r -> new OnceResult(r.get(0).toInteger() == 1 ? OnceResult.Outcome.APPLIED : OnceResult.Outcome.DUPLICATE,
                        r.get(1).toLong()));
    }

    public Uni<Long> getKey(String key) {
        return redis.send(Command.GET, key).map(CounterStore::toLong);
    }

    public Uni<Boolean> ping() {
        return redis.send(Command.PING).map(r -> "PONG".equalsIgnoreCase(r.toString()));
    }

    static long toLong(Response response) {
        return response == null ? 0L : response.toLong();
    }

    private static boolean isOverflow(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().contains("overflow");
    }

    /** How long the fair-mode grant log of a counter is kept after its last grant. */
    private static final Duration FAIR_GRANTS_TTL = Duration.ofHours(1);
    /** The grant log keeps at most this many entries (the newest). */
    private static final long FAIR_GRANTS_KEPT = 1_000_000;

    /** Fair mode, called while holding the counter's fair lock: appends this holder's ticket to the grant log. */
    public Uni<Void> recordFairGrant(String counter, long ticket) {
        return redis.eval(Scripts.RECORD_GRANT, List.of(keys.fairGrants(counter)),
                List.of(Long.toString(ticket), Long.toString(FAIR_GRANTS_KEPT), Long.toString(FAIR_GRANTS_TTL.toMillis()))).replaceWithVoid();
    }

    /** How many grants the counter's fair-mode log holds. */
    public Uni<Long> fairGrantCount(String counter) {
        return redis.send(Command.LLEN, keys.fairGrants(counter)).map(Response::toLong);
    }

    /** The tickets of the counter's fair-mode grants from position {@code from} on, in the order they were granted. */
    public Uni<List<Long>> fairGrantsFrom(String counter, long from) {
        return redis.send(Command.LRANGE, keys.fairGrants(counter), Long.toString(from), "-1").map(response -> {
            List<Long> tickets = new java.util.ArrayList<>(response.size());
            response.forEach(ticket -> tickets.add(ticket.toLong()));
            return tickets;
        });
    }
}
