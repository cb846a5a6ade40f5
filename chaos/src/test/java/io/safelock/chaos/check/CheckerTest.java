package io.safelock.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.chaos.history.Op;
import io.safelock.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each invariant holds on a correct hand-made history and fails on one that breaks it. */
class CheckerTest {

    private long ids;

    private Op buy(String key, long invoke, long complete, Outcome outcome, long token, long orderId) {
        return new Op(++ids, "w", "inventory-a", Op.Kind.PURCHASE_WITH_LOCK, "1", key, 1, invoke, complete, outcome,
                outcome == Outcome.OK ? token : -1, outcome == Outcome.OK ? orderId : -1, outcome == Outcome.OK, outcome.name());
    }

    private Op locked(long invoke, long complete, Outcome outcome, long token, long value) {
        return new Op(++ids, "w", "counter-a", Op.Kind.INCREMENT_LOCKED, "c", null, 1, invoke, complete, outcome,
                outcome == Outcome.OK ? token : -1, outcome == Outcome.OK ? value : -1, outcome == Outcome.OK, outcome.name());
    }

    private Op queued(String requestId, Outcome outcome) {
        return new Op(++ids, "w", "counter-b", Op.Kind.INCREMENT_QUEUED, "q", requestId, 1, 0, 1, outcome, -1, -1,
                outcome == Outcome.OK, outcome.name());
    }

    private static Observed.Order order(long id, long token, String key, long remaining) {
        return new Observed.Order(id, 1, token, key, remaining);
    }

    /** Three buyers on stock 3 → 1, in order: k1 (token 5), k2 (token 7), k3 refused, k4 unanswered and bought (token 9). */
    private final List<Op> purchases = List.of(
            buy("k1", 0, 10, Outcome.OK, 5, 1),
            buy("k2", 20, 30, Outcome.OK, 7, 2),
            buy("k3", 40, 50, Outcome.FAILED, 0, 0),
            buy("k4", 60, 70, Outcome.UNKNOWN, 0, 0));

    private static Observed products(long initial, long finalStock, long events, Observed.Order... orders) {
        return new Observed(List.of(new Observed.Product("1", initial, finalStock, List.of(orders), events)), List.of());
    }

    private final Observed goodProducts = products(3, 0, 3, order(1, 5, "k1", 2), order(2, 7, "k2", 1), order(3, 9, "k4", 0));

    @Test
    void aCorrectHistoryPassesEveryInvariant() {
        List<Op> history = new ArrayList<>(purchases);
        history.addAll(List.of(locked(0, 10, Outcome.OK, 3, 1), locked(20, 30, Outcome.OK, 4, 2),
                locked(40, 50, Outcome.UNKNOWN, 0, 0), locked(60, 70, Outcome.FAILED, 0, 0),
                queued("r1", Outcome.OK), queued(null, Outcome.FAILED)));
        Observed observed = new Observed(goodProducts.products(), List.of(
                new Observed.Counter("c", 0, 3, Map.of()), new Observed.Counter("q", 0, 1, Map.of("r1", "applied"))));
        assertThat(Checker.check(history, observed)).allMatch(Verdict::holds);
    }

    @Test
    void stockFailsWhenOrdersDoNotMatchTheStockChange() {
        assertThat(Checker.stock(purchases, products(3, 1, 3, order(1, 5, "k1", 2), order(2, 7, "k2", 1), order(3, 9, "k4", 0))).holds()).isFalse();
    }

    @Test
    void stockFailsWhenStockGoesBelowZero() {
        Verdict verdict = Checker.stock(purchases, products(2, -1, 3, order(1, 5, "k1", 1), order(2, 7, "k2", 0), order(3, 9, "k4", -1)));
        assertThat(verdict.violations()).anyMatch(s -> s.contains("< 0"));
    }

    @Test
    void stockFailsWhenEventsAreMissing() {
        Verdict verdict = Checker.stock(purchases, products(3, 0, 2, order(1, 5, "k1", 2), order(2, 7, "k2", 1), order(3, 9, "k4", 0)));
        assertThat(verdict.violations()).anyMatch(s -> s.contains("events"));
    }

    @Test
    void stockFailsWhenAnAcknowledgedPurchaseHasNoOrder() {
        Verdict verdict = Checker.stock(purchases, products(3, 1, 2, order(2, 7, "k2", 2), order(3, 9, "k4", 1)));
        assertThat(verdict.violations()).anyMatch(s -> s.contains("acknowledged") && s.contains("no order"));
    }

    @Test
    void stockFailsWhenARefusedPurchaseBought() {
        Verdict verdict = Checker.stock(purchases, products(4, 0, 4,
                order(1, 5, "k1", 3), order(2, 7, "k2", 2), order(3, 8, "k3", 1), order(4, 9, "k4", 0)));
        assertThat(verdict.violations()).anyMatch(s -> s.contains("refused"));
    }

    @Test
    void stockFailsWhenOnePurchaseBoughtTwice() {
        Verdict verdict = Checker.stock(purchases, products(4, 0, 4,
                order(1, 5, "k1", 3), order(2, 7, "k2", 2), order(3, 9, "k4", 1), order(4, 10, "k4", 0)));
        assertThat(verdict.violations()).anyMatch(s -> s.contains("bought 2 times"));
    }

    @Test
    void stockFailsOnAnOrderNoOperationSent() {
        Verdict verdict = Checker.stock(purchases, products(4, 0, 4,
                order(1, 5, "k1", 3), order(2, 7, "k2", 2), order(3, 9, "k4", 1), order(4, 10, "stranger", 0)));
        assertThat(verdict.violations()).anyMatch(s -> s.contains("no operation"));
    }

    @Test
    void incrementsFailWhenAnAcknowledgedIncrementIsLost() {
        List<Op> history = List.of(locked(0, 10, Outcome.OK, 3, 1), locked(20, 30, Outcome.OK, 4, 1));
        Verdict verdict = Checker.increments(history, new Observed(List.of(), List.of(new Observed.Counter("c", 0, 1, Map.of()))));
        assertThat(verdict.violations()).anyMatch(s -> s.contains("lost")).anyMatch(s -> s.contains("both answered value 1"));
    }

    @Test
    void incrementsFailWhenARefusedIncrementWasApplied() {
        List<Op> history = List.of(locked(0, 10, Outcome.OK, 3, 1), locked(20, 30, Outcome.FAILED, 0, 0));
        Verdict verdict = Checker.increments(history, new Observed(List.of(), List.of(new Observed.Counter("c", 0, 2, Map.of()))));
        assertThat(verdict.violations()).anyMatch(s -> s.contains("applied although refused"));
    }

    @Test
    void incrementsFailWhenAnUnansweredIncrementWasAppliedTwice() {
        List<Op> history = List.of(locked(0, 10, Outcome.OK, 3, 1), locked(20, 30, Outcome.UNKNOWN, 0, 0));
        Verdict verdict = Checker.increments(history, new Observed(List.of(), List.of(new Observed.Counter("c", 0, 3, Map.of()))));
        assertThat(verdict.holds()).isFalse();
    }

    @Test
    void incrementsFailWhenAnAcceptedQueuedRequestIsNotApplied() {
        List<Op> history = List.of(queued("r1", Outcome.OK), queued("r2", Outcome.OK));
        Verdict verdict = Checker.increments(history, new Observed(List.of(), List.of(
                new Observed.Counter("q", 0, 1, Map.of("r1", "applied", "r2", "failed")))));
        assertThat(verdict.violations()).anyMatch(s -> s.contains("r2"));
    }

    @Test
    void fencingOrderFailsWhenATokenFallsInTheProductsWriteOrder() {
        Observed observed = products(3, 0, 3, order(1, 5, "k1", 2), order(2, 9, "k4", 1), order(3, 7, "k2", 0));
        assertThat(Checker.fencingOrder(List.of(), observed).holds()).isFalse();
        assertThat(Checker.fencingOrder(List.of(), goodProducts).holds()).isTrue();
    }

    @Test
    void fencingOrderFailsWhenATokenFallsInACountersWriteOrder() {
        List<Op> history = List.of(locked(0, 10, Outcome.OK, 4, 1), locked(5, 30, Outcome.OK, 3, 2));
        Observed observed = new Observed(List.of(), List.of(new Observed.Counter("c", 0, 2, Map.of())));
        assertThat(Checker.fencingOrder(history, observed).holds()).isFalse();
    }

    @Test
    void exclusiveHoldsFailWhenTwoWritesShareAToken() {
        Observed observed = products(3, 0, 3, order(1, 5, "k1", 2), order(2, 7, "k2", 1), order(3, 7, "k4", 0));
        assertThat(Checker.exclusiveHolds(purchases, observed).violations()).anyMatch(s -> s.contains("both under token 7"));
    }

    @Test
    void exclusiveHoldsFailWhenALaterHolderWroteFirst() {
        // k1 was acknowledged at 10 ms, k2 invoked at 20 ms, yet k2's order precedes k1's: their holds overlapped
        Observed observed = products(3, 0, 3, order(1, 4, "k2", 2), order(2, 5, "k1", 1), order(3, 9, "k4", 0));
        assertThat(Checker.exclusiveHolds(purchases, observed).violations()).anyMatch(s -> s.contains("ordered before"));
    }

    @Test
    void exclusiveHoldsFailWhenALaterHolderGotAnOlderToken() {
        List<Op> history = List.of(locked(0, 10, Outcome.OK, 8, 1), locked(20, 30, Outcome.OK, 8, 2));
        Observed observed = new Observed(List.of(), List.of(new Observed.Counter("c", 0, 2, Map.of())));
        assertThat(Checker.exclusiveHolds(history, observed).violations()).anyMatch(s -> s.contains("<= 8"));
    }

    /**
     * Tokens as lock-common hands them out: the node's clock in microseconds (about 1.8e15), stepped by 1
     * on a busy node and by millions after a node's clock jumped. Order is exact at that size: a token one
     * below its predecessor fails, a jump ahead followed by +1 steps passes.
     */
    @Test
    void fencingOrderIsExactForClockDerivedTokens() {
        long now = 1_795_990_926_335_564L;
        Observed rising = products(3, 0, 3, order(1, now, "k1", 2), order(2, now + 6_000_000, "k2", 1), order(3, now + 6_000_001, "k4", 0));
        assertThat(Checker.fencingOrder(List.of(), rising).holds()).isTrue();
        Observed fallsByOne = products(3, 0, 3, order(1, now, "k1", 2), order(2, now + 6_000_001, "k2", 1), order(3, now + 6_000_000, "k4", 0));
        assertThat(Checker.fencingOrder(List.of(), fallsByOne).violations())
                .anyMatch(s -> s.contains("token " + (now + 6_000_000)) && s.contains("token " + (now + 6_000_001)));
        List<Op> history = List.of(buy("k1", 0, 10, Outcome.OK, now, 1), buy("k2", 20, 30, Outcome.OK, now + 6_000_000, 2),
                buy("k4", 40, 50, Outcome.OK, now + 6_000_000, 3));
        Observed shared = products(3, 0, 3, order(1, now, "k1", 2), order(2, now + 6_000_000, "k2", 1), order(3, now + 6_000_000, "k4", 0));
        assertThat(Checker.exclusiveHolds(history, shared).violations()).anyMatch(s -> s.contains("both under token " + (now + 6_000_000)));
    }
}
