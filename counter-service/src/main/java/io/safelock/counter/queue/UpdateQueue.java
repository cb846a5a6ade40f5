package io.safelock.counter.queue;

import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.safelock.counter.store.Keys;
import io.safelock.counter.store.ScriptRunner;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The FIFO queue of update requests in Redis, one list per counter. A request is recorded, queued and
 * later taken and applied by scripts, each atomic; the request's status field is the applied marker and
 * changes in the same script as the counter, so a request is applied exactly once however often it is
 * taken.
 */
@Singleton
public class UpdateQueue {

    static final String STATUS_ROUTE = "/queue/requests/";

    private final ScriptRunner redis;
    private final Keys keys;
    private final String replica;
    private final Duration statusTtl;

    public UpdateQueue(ScriptRunner redis, Keys keys, Replica replica, CounterConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.replica = replica.name();
        this.statusTtl = config.queue().statusTtl();
    }

    public Uni<QueuedRequest> enqueue(String counter, long by, int thinkMs) {
        String id = UUID.randomUUID().toString();
        return redis.eval(QueueScripts.ENQUEUE,
                        List.of(keys.queue(counter), keys.pending(), keys.readyCounters(), keys.queueSequence(counter), keys.request(id)),
                        List.of(id, counter, Long.toString(by), replica, Integer.toString(thinkMs)))
                .map(r -> new QueuedRequest(id, counter, by, "queued", r.get(0).toLong(), STATUS_ROUTE + id));
    }

    public Uni<Optional<RequestStatus>> status(String requestId) {
        return redis.send(Command.HGETALL, keys.request(requestId)).map(r -> {
            if (r == null || r.size() == 0) {
                return Optional.empty();
            }
            Map<String, String> f = new java.util.HashMap<>();
            for (String key : r.getKeys()) {
                f.put(key, r.get(key).toString());
            }
            return Optional.of(new RequestStatus(f.get("requestId"), f.get("counter"), parseLong(f.get("by")), f.get("status"),
                    parseLong(f.get("position")), longOrNull(f.get("appliedIndex")), longOrNull(f.get("valueAfter")),
                    instant(f.get("enqueuedAt")), f.get("enqueuedBy"), f.get("takenBy"),
                    f.containsKey("attempts") ? Integer.valueOf(f.get("attempts")) : null, instant(f.get("appliedAt")),
                    f.get("appliedBy"), longOrNull(f.get("fencingToken")), f.get("error")));
        });
    }

    /** How many of these requests are applied or failed. */
    public Uni<Integer> countFinished(List<String> requestIds) {
        List<String> args = new ArrayList<>(requestIds.size() + 1);
        args.add(keys.prefix());
        args.addAll(requestIds);
        return redis.eval(QueueScripts.COUNT_FINISHED, List.of(), args).map(Response::toInteger);
    }

    /** Counters with queued or in-flight requests, oldest first. */
    Uni<List<String>> readyCounters(int max) {
        return redis.send(Command.ZRANGE, keys.readyCounters(), "0", Integer.toString(max - 1))
                .map(r -> {
                    List<String> names = new ArrayList<>(r.size());
                    r.forEach(item -> names.add(item.toString()));
                    return names;
                });
    }

    /** Only for the holder of the counter's lock: the request to apply next, or empty when the queue is drained. */
    Uni<Optional<Taken>> take(String counter) {
        return redis.eval(QueueScripts.TAKE, List.of(keys.queue(counter), keys.inFlight(counter), keys.readyCounters()),
                        List.of(counter, replica, keys.prefix()))
                .map(r -> r == null || r.size() == 0 ? Optional.empty() : Optional.of(new Taken(r.get(0).toString(),
                        r.get(1).toLong(), r.get(2).toInteger(), r.get(3).toLong(), r.get(4).toString(), r.get(5).toInteger() == 1)));
    }

    Uni<Applied> apply(String counter, String requestId, long fencingToken) {
        return redis.eval(QueueScripts.APPLY_QUEUED,
                        List.of(keys.value(counter), keys.fence(counter), keys.inFlight(counter), keys.pending(),
                                keys.appliedSequence(counter), keys.request(requestId)),
                        List.of(requestId, replica, Long.toString(fencingToken), Long.toString(Math.max(1, statusTtl.toSeconds()))))
                .map(r -> switch (r.get(0).toInteger()) {
                    case 1 -> new Applied(Applied.Outcome.APPLIED, r.get(1).toLong(), r.get(2).toLong(), null);
                    case 0 -> new Applied(Applied.Outcome.ALREADY_APPLIED, r.get(1).toLong(), 0, null);
                    case -1 -> new Applied(Applied.Outcome.FENCED, 0, 0, null);
                    case -2 -> new Applied(Applied.Outcome.NOT_IN_FLIGHT, 0, 0, null);
                    default -> new Applied(Applied.Outcome.FAILED, 0, 0, r.get(1).toString());
                });
    }

    public Uni<QueueStats> stats(int maxInFlightListed) {
        return redis.eval(QueueScripts.QUEUE_STATS, List.of(keys.pending(), keys.readyCounters()),
                List.of(keys.prefix(), Integer.toString(maxInFlightListed))).map(r -> {
                    long now = r.get(0).toLong();
                    long depth = r.get(1).toLong();
                    long oldest = r.get(2).toLong();
                    double age = oldest < 0 ? 0.0 : Math.max(0, now - oldest) / 1000.0;
                    List<QueueStats.InFlight> inFlight = new ArrayList<>();
                    for (int i = 3; i + 3 < r.size(); i += 4) {
                        inFlight.add(new QueueStats.InFlight(r.get(i).toString(), r.get(i + 1).toString(), r.get(i + 2).toString(),
                                Instant.ofEpochMilli(r.get(i + 3).toLong())));
                    }
                    return new QueueStats(depth, age, inFlight);
                });
    }

    /** Result of applying a taken request. */
    record Applied(Outcome outcome, long value, long appliedIndex, String error) {
        enum Outcome { APPLIED, ALREADY_APPLIED, FENCED, NOT_IN_FLIGHT, FAILED }
    }

    private static long parseLong(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    private static Long longOrNull(String value) {
        return value == null ? null : Long.valueOf(value);
    }

    private static Instant instant(String millis) {
        return millis == null ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    }
}
