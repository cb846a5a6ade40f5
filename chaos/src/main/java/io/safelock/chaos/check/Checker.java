package io.safelock.chaos.check;

import io.safelock.chaos.history.Op;
import io.safelock.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The safety invariants, as pure functions of a history and what the system holds afterwards. Nothing here
 * talks to a server: the unit tests feed hand-made histories that break each invariant.
 */
public final class Checker {

    public static final String STOCK = "stock";
    public static final String INCREMENTS = "increments";
    public static final String FENCING = "fencing order";
    public static final String EXCLUSIVE = "exclusive holds";
    public static final List<String> INVARIANTS = List.of(STOCK, INCREMENTS, FENCING, EXCLUSIVE);

    /** The most violations listed per invariant; the count is always complete. */
    private static final int MAX_LISTED = 8;

    private Checker() {
    }

    public static List<Verdict> check(List<Op> history, Observed observed) {
        return List.of(stock(history, observed), increments(history, observed), fencingOrder(history, observed),
                exclusiveHolds(history, observed));
    }

    /**
     * Units sold = units in orders = units in {@code inventory.purchased} events received = initial − final
     * stock, never below zero; every acknowledged purchase has exactly one order, a refused one none, one
     * without an answer at most one, and no order comes from nowhere.
     */
    public static Verdict stock(List<Op> history, Observed observed) {
        Violations v = new Violations(STOCK);
        for (Observed.Product product : observed.products()) {
            String p = "product " + product.id();
            long ordered = product.orders().stream().mapToLong(Observed.Order::quantity).sum();
            if (ordered != product.initialStock() - product.finalStock()) {
                v.add(p + ": orders hold " + ordered + " units but stock went from " + product.initialStock() + " to " + product.finalStock());
            }
            if (product.finalStock() < 0) {
                v.add(p + ": final stock " + product.finalStock() + " < 0");
            }
            for (Observed.Order order : product.orders()) {
                if (order.remainingStock() < 0) {
                    v.add(p + ": order " + order.id() + " left stock " + order.remainingStock() + " < 0");
                }
            }
            if (product.unitsInEvents() != ordered) {
                v.add(p + ": inventory.purchased events received carry " + product.unitsInEvents() + " units, orders " + ordered);
            }
            Map<String, List<Observed.Order>> ordersByKey = new HashMap<>();
            for (Observed.Order order : product.orders()) {
                if (order.idempotencyKey() == null) {
                    v.add(p + ": order " + order.id() + " has no idempotency key: no operation of the history made it");
                } else {
                    ordersByKey.computeIfAbsent(order.idempotencyKey(), k -> new ArrayList<>()).add(order);
                }
            }
            Map<String, Op> opsByKey = new HashMap<>();
            for (Op op : history) {
                if (!op.kind().isPurchase() || !op.target().equals(product.id())) {
                    continue;
                }
                opsByKey.put(op.key(), op);
                List<Observed.Order> orders = ordersByKey.getOrDefault(op.key(), List.of());
                if (orders.size() > 1) {
                    v.add(p + ": op " + op.id() + " (" + op.outcome() + ") bought " + orders.size() + " times, orders " + ids(orders));
                }
                if (op.outcome() == Outcome.OK && orders.isEmpty()) {
                    v.add(p + ": op " + op.id() + " was acknowledged (order " + op.result() + ") but no order exists");
                } else if (op.outcome() == Outcome.OK && op.result() >= 0 && orders.stream().noneMatch(o -> o.id() == op.result())) {
                    v.add(p + ": op " + op.id() + " was acknowledged with order " + op.result() + " but its key is on orders " + ids(orders));
                } else if (op.outcome() == Outcome.FAILED && !orders.isEmpty()) {
                    v.add(p + ": op " + op.id() + " was refused (" + op.detail() + ") but bought: orders " + ids(orders));
                }
            }
            ordersByKey.forEach((key, orders) -> {
                if (!opsByKey.containsKey(key)) {
                    v.add(p + ": orders " + ids(orders) + " carry key " + key + " that no operation of the history sent");
                }
            });
        }
        return v.verdict();
    }

    /**
     * Every acknowledged increment applied exactly once, every refused one not at all, one without an answer
     * at most once: acknowledged ≤ applied ≤ acknowledged + unanswered; each acknowledged locked increment saw
     * its own value; each accepted queued request ends applied.
     */
    public static Verdict increments(List<Op> history, Observed observed) {
        Violations v = new Violations(INCREMENTS);
        for (Observed.Counter counter : observed.counters()) {
            String c = "counter " + counter.name();
            long applied = counter.finalValue() - counter.initialValue();
            long acknowledged = 0;
            long unanswered = 0;
            Map<Long, Op> byValue = new HashMap<>();
            for (Op op : history) {
                if (op.kind().isPurchase() || !op.target().equals(counter.name())) {
                    continue;
                }
                if (op.outcome() == Outcome.UNKNOWN) {
                    unanswered += op.quantity();
                }
                if (op.outcome() != Outcome.OK) {
                    continue;
                }
                acknowledged += op.quantity();
                if (op.kind() == Op.Kind.INCREMENT_LOCKED) {
                    if (op.result() <= counter.initialValue() || op.result() > counter.finalValue()) {
                        v.add(c + ": op " + op.id() + " answered value " + op.result() + ", outside (" + counter.initialValue()
                                + ", " + counter.finalValue() + "]");
                    }
                    Op same = byValue.put(op.result(), op);
                    if (same != null) {
                        v.add(c + ": ops " + same.id() + " and " + op.id() + " both answered value " + op.result()
                                + ": one increment was lost");
                    }
                } else {
                    String status = counter.queued().get(op.key());
                    if (!"applied".equals(status)) {
                        v.add(c + ": queued request " + op.key() + " (op " + op.id() + ") was accepted but ended " + status);
                    }
                }
            }
            if (applied < acknowledged) {
                v.add(c + ": " + acknowledged + " acknowledged but only " + applied + " applied: increments lost");
            }
            if (applied > acknowledged + unanswered) {
                v.add(c + ": " + applied + " applied but only " + acknowledged + " acknowledged and " + unanswered
                        + " unanswered: applied twice, or applied although refused");
            }
        }
        return v.verdict();
    }

    /** Fencing tokens strictly increase in each resource's write order (orders by id; locked counter writes by value). */
    public static Verdict fencingOrder(List<Op> history, Observed observed) {
        Violations v = new Violations(FENCING);
        for (Map.Entry<String, List<Write>> resource : writes(history, observed).entrySet()) {
            Write previous = null;
            for (Write write : resource.getValue()) {
                if (previous != null && write.token() <= previous.token()) {
                    v.add(resource.getKey() + ": write " + write.describe() + " has token " + write.token()
                            + " after write " + previous.describe() + " with token " + previous.token());
                }
                previous = write;
            }
        }
        return v.verdict();
    }

    /**
     * No two writes under overlapping holds of one lock: every write's token is its own, and a write
     * acknowledged before another was invoked comes first both in write order and in token order.
     */
    public static Verdict exclusiveHolds(List<Op> history, Observed observed) {
        Violations v = new Violations(EXCLUSIVE);
        for (Map.Entry<String, List<Write>> resource : writes(history, observed).entrySet()) {
            String r = resource.getKey();
            List<Write> writes = resource.getValue();
            Map<Long, Write> byToken = new HashMap<>();
            for (Write write : writes) {
                Write same = byToken.put(write.token(), write);
                if (same != null) {
                    v.add(r + ": writes " + same.describe() + " and " + write.describe() + " both under token " + write.token());
                }
            }
            for (int i = 0; i < writes.size(); i++) {
                for (int j = 0; j < writes.size(); j++) {
                    Write a = writes.get(i);
                    Write b = writes.get(j);
                    if (a.op() == null || b.op() == null || a.op().outcome() != Outcome.OK || a.op().completeMs() >= b.op().invokeMs()) {
                        continue;
                    }
                    // a finished before b began, so a's hold ended before b's began
                    if (j < i) {
                        v.add(r + ": write " + b.describe() + " (invoked at " + b.op().invokeMs() + " ms) is ordered before write "
                                + a.describe() + " which was acknowledged at " + a.op().completeMs() + " ms");
                    } else if (b.token() <= a.token()) {
                        v.add(r + ": write " + b.describe() + " invoked at " + b.op().invokeMs() + " ms got token " + b.token()
                                + " <= " + a.token() + " of write " + a.describe() + " acknowledged at " + a.op().completeMs() + " ms");
                    }
                }
            }
        }
        return v.verdict();
    }

    /** A write to a locked resource: its token, the operation that made it when the history knows it. */
    private record Write(String label, long token, Op op) {
        String describe() {
            return label + (op == null ? "" : " (op " + op.id() + " via " + op.replica() + ")");
        }
    }

    /** Each locked resource's writes, in write order. */
    private static Map<String, List<Write>> writes(List<Op> history, Observed observed) {
        Map<String, Op> purchases = new HashMap<>();
        for (Op op : history) {
            if (op.kind().isPurchase()) {
                purchases.put(op.key(), op);
            }
        }
        Map<String, List<Write>> writes = new java.util.LinkedHashMap<>();
        for (Observed.Product product : observed.products()) {
            List<Write> list = new ArrayList<>();
            product.orders().stream().sorted(Comparator.comparingLong(Observed.Order::id)).forEach(order ->
                    list.add(new Write("order " + order.id(), order.fencingToken(),
                            order.idempotencyKey() == null ? null : purchases.get(order.idempotencyKey()))));
            writes.put("product " + product.id(), list);
        }
        Set<String> counters = new HashSet<>();
        observed.counters().forEach(c -> counters.add(c.name()));
        for (Op op : history) {
            if (op.kind() == Op.Kind.INCREMENT_LOCKED && op.outcome() == Outcome.OK && op.hasToken() && counters.contains(op.target())) {
                writes.computeIfAbsent("counter " + op.target(), k -> new ArrayList<>())
                        .add(new Write("value " + op.result(), op.fencingToken(), op));
            }
        }
        writes.forEach((name, list) -> {
            if (name.startsWith("counter ")) {
                list.sort(Comparator.comparingLong(w -> w.op().result()));
            }
        });
        return writes;
    }

    private static String ids(List<Observed.Order> orders) {
        return orders.stream().map(o -> Long.toString(o.id())).toList().toString();
    }

    private static final class Violations {
        private final String invariant;
        private final List<String> listed = new ArrayList<>();
        private int count;

        Violations(String invariant) {
            this.invariant = invariant;
        }

        void add(String violation) {
            count++;
            if (listed.size() < MAX_LISTED) {
                listed.add(violation);
            }
        }

        Verdict verdict() {
            List<String> all = new ArrayList<>(listed);
            if (count > listed.size()) {
                all.add("… and " + (count - listed.size()) + " more");
            }
            return new Verdict(invariant, List.copyOf(all));
        }
    }
}
