package io.safelock.chaos;

import io.safelock.chaos.check.Checker;
import io.safelock.chaos.check.Observed;
import io.safelock.chaos.cluster.Cluster;
import io.safelock.chaos.history.History;
import io.safelock.chaos.history.Op;
import io.safelock.chaos.nemesis.Nemesis;
import io.safelock.chaos.nemesis.Schedule;
import io.safelock.chaos.workload.Workload;
import io.safelock.demo.http.Http;
import io.safelock.demo.http.Reply;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one schedule: fresh products and counters, the workload, the fault after a quiet start, the heal,
 * a recovery period; then reads the final state (waiting for queued increments and events to settle) and
 * checks the history.
 */
public final class ScheduleRunner {

    /** Timing of a schedule: quiet start, fault, after the heal. */
    /**
     * @param stock     initial stock of each product but the first, small so that they sell out under the fault
     * @param heldStock initial stock of the first product, whose lock the nemesis holds, pauses and expires:
     *                  large enough not to sell out, so its lock stays contended for the whole schedule
     */
    public record Timing(Duration before, Duration fault, Duration after, int products, int stock, int heldStock, int workers) {
        public static Timing quick() {
            return new Timing(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(4), 2, 20, 1_000, 6);
        }

        public static Timing full() {
            return new Timing(Duration.ofSeconds(3), Duration.ofSeconds(8), Duration.ofSeconds(6), 3, 25, 1_000, 6);
        }

        int stockOf(int product) {
            return product == 0 ? heldStock : stock;
        }
    }

    private static final Duration SETTLE = Duration.ofSeconds(40);

    private final Cluster cluster;
    private final Nemesis nemesis;
    private final Timing timing;
    private final Consumer<String> say;
    private final Http http = new Http(Duration.ofSeconds(5));

    public ScheduleRunner(Cluster cluster, Nemesis nemesis, Timing timing, Consumer<String> say) {
        this.cluster = cluster;
        this.nemesis = nemesis;
        this.timing = timing;
        this.say = say;
    }

    public ScheduleResult run(Schedule schedule, long seed) {
        say.accept("schedule " + schedule.name() + ": " + schedule.description());
        List<String> products = new ArrayList<>();
        for (int i = 0; i < timing.products(); i++) {
            products.add(createProduct(schedule.name() + "-" + i, timing.stockOf(i)));
        }
        String locked = schedule.name() + "-locked";
        String queued = schedule.name() + "-queued";
        History history = new History();
        Workload workload = new Workload(cluster, history, products, locked, queued, seed);
        nemesis.attach(workload, products.get(0), locked);
        workload.start(timing.workers());
        Nemesis.sleep(timing.before());
        long faultAt = history.now();
        schedule.fault().inject(nemesis);
        Nemesis.sleep(timing.fault());
        long healAt = history.now();
        schedule.fault().heal(nemesis);
        Nemesis.sleep(timing.after());
        workload.stop();
        for (Op own : nemesis.awaitSpecialOps()) {
            nemesis.observe("the nemesis's own " + own.kind() + " of " + own.target() + " via " + own.replica() + " (op " + own.id()
                    + ", invoked at " + own.invokeMs() + " ms): " + own.outcome() + " after " + (own.completeMs() - own.invokeMs())
                    + " ms (" + own.detail() + (own.hasToken() ? ", token " + own.fencingToken() : "") + ")");
        }
        List<Op> ops = history.ops();
        Observed observed = observe(products, List.of(locked, queued), ops);
        List<String> observations = nemesis.observations();
        List<String> overlaps = nemesis.overlappingHolds();
        // two holders seen at once on the nodes break "exclusive holds" even if the fences kept the data right
        var verdicts = Checker.check(ops, observed).stream().map(v -> v.invariant().equals(Checker.EXCLUSIVE) && !overlaps.isEmpty()
                ? new io.safelock.chaos.check.Verdict(v.invariant(), java.util.stream.Stream.concat(v.violations().stream(), overlaps.stream()).toList())
                : v).toList();
        ScheduleResult result = new ScheduleResult(schedule, seed, ops, verdicts, availability(ops, faultAt, healAt),
                recovery(ops, healAt), observations, nemesis.faultConfirmed());
        say.accept("  " + ops.size() + " ops, " + verdicts.stream().map(Object::toString).toList()
                + (result.faultConfirmed() ? "" : ", FAULT NOT CONFIRMED"));
        return result;
    }

    private static double availability(List<Op> ops, long from, long to) {
        List<Op> during = ops.stream().filter(o -> o.invokeMs() >= from && o.invokeMs() < to).toList();
        return during.isEmpty() ? Double.NaN : 100.0 * during.stream().filter(Op::served).count() / during.size();
    }

    private long recovery(List<Op> ops, long healAt) {
        long worst = 0;
        for (Cluster.Replica replica : cluster.replicas()) {
            long first = ops.stream().filter(o -> o.replica().equals(replica.name()) && o.invokeMs() >= healAt && o.served())
                    .mapToLong(Op::completeMs).min().orElse(-1);
            if (first < 0) {
                return -1;
            }
            worst = Math.max(worst, first - healAt);
        }
        return worst;
    }

    private String createProduct(String name, int stock) {
        for (Cluster.Replica replica : cluster.inventory()) {
            Reply reply = http.post(replica.url() + "/products", "{\"name\": " + quote(name) + ", \"stock\": " + stock + ", \"price\": 1.00}");
            if (reply.status() == 201) {
                return Long.toString(reply.number("id"));
            }
        }
        throw new IllegalStateException("no inventory replica could create product " + name);
    }

    private Observed observe(List<String> productIds, List<String> counters, List<Op> ops) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<Observed.Product> products = new ArrayList<>();
        for (int i = 0; i < productIds.size(); i++) {
            String id = productIds.get(i);
            Map<String, Object> stock = getObject(cluster.inventory(), "/stock/" + id);
            long finalStock = number(stock.get("stock"));
            List<Observed.Order> orders = orders(id);
            long ordered = orders.stream().mapToLong(Observed.Order::quantity).sum();
            long events;
            // events are relayed and consumed asynchronously (and wait in the outbox while the broker is down)
            do {
                events = number(getObject(cluster.counter(), "/inventory/products/" + id + "/units-sold").get("unitsSold"));
                if (events == ordered) {
                    break;
                }
                Nemesis.sleep(Duration.ofMillis(250));
            } while (System.nanoTime() < deadline);
            products.add(new Observed.Product(id, timing.stockOf(i), finalStock, orders, events));
        }
        List<Observed.Counter> observedCounters = new ArrayList<>();
        for (String name : counters) {
            Map<String, String> statuses = new HashMap<>();
            for (Op op : ops) {
                if (op.kind() == Op.Kind.INCREMENT_QUEUED && op.target().equals(name) && op.key() != null) {
                    String status;
                    do {
                        status = queueStatus(op.key());
                        if (!"queued".equals(status) && !"processing".equals(status)) {
                            break;
                        }
                        Nemesis.sleep(Duration.ofMillis(100));
                    } while (System.nanoTime() < deadline);
                    statuses.put(op.key(), status);
                }
            }
            long value = number(getObject(cluster.counter(), "/counters/" + name).get("value"));
            observedCounters.add(new Observed.Counter(name, 0, value, statuses));
        }
        return new Observed(products, observedCounters);
    }

    private List<Observed.Order> orders(String productId) {
        for (Cluster.Replica replica : cluster.inventory()) {
            Reply reply = http.get(replica.url() + "/orders?productId=" + productId + "&limit=10000");
            if (reply.status() == 200 && parse(reply.body()) instanceof List<?> list) {
                List<Observed.Order> orders = new ArrayList<>();
                for (Object item : list) {
                    Map<?, ?> o = (Map<?, ?>) item;
                    orders.add(new Observed.Order(number(o.get("id")), (int) number(o.get("quantity")),
                            o.get("fencingToken") == null ? -1 : number(o.get("fencingToken")),
                            o.get("idempotencyKey") == null ? null : o.get("idempotencyKey").toString(), number(o.get("remainingStock"))));
                }
                return orders;
            }
        }
        throw new IllegalStateException("no inventory replica answered /orders for product " + productId);
    }

    /** A queued request's status, "missing" when no replica knows it. */
    private String queueStatus(String requestId) {
        for (int attempt = 0; attempt < 40; attempt++) {
            for (Cluster.Replica replica : cluster.counter()) {
                Reply reply = http.get(replica.url() + "/queue/requests/" + requestId);
                if (reply.status() == 200) {
                    return String.valueOf(reply.json().get("status"));
                }
                if (reply.status() == 404) {
                    return "missing";
                }
            }
            Nemesis.sleep(Duration.ofMillis(250));
        }
        return "unreadable";
    }

    /** GET from the first replica that answers 200 (retrying for a while: a replica may still be recovering). */
    private Map<String, Object> getObject(List<Cluster.Replica> replicas, String path) {
        Reply last = null;
        for (int attempt = 0; attempt < 40; attempt++) {
            for (Cluster.Replica replica : replicas) {
                last = http.get(replica.url() + path);
                if (last.status() == 200) {
                    return last.json();
                }
            }
            Nemesis.sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException("GET " + path + " failed on every replica; last answer " + last);
    }

    /** A whole JSON number as Jackson reads it (Integer, Long, BigInteger or, for 1.0-style text, a decimal). */
    private static long number(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger
                || value instanceof BigDecimal || value instanceof Double) {
            return new BigDecimal(value.toString()).longValueExact();
        }
        throw new IllegalStateException("not a number: " + value + (value == null ? "" : " (" + value.getClass().getSimpleName() + ")"));
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Object parse(String body) {
        try {
            return JSON.readValue(body, Object.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }
}
