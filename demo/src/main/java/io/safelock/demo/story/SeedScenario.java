package io.safelock.demo.story;

/**
 * The seed's scenario: one unit in stock, several buyers at the same instant. Without the lock they all
 * read "1 left" and all buy; with it exactly one buys and the stock ends at 0.
 */
public final class SeedScenario {

    public static final long PRODUCT = 1;

    private SeedScenario() {
    }

    public record Result(String route, int buyers, Purchases.Outcome outcome, long finalStock) {

        public int succeeded() {
            return outcome.succeeded();
        }
    }

    /**
     * A buyer told 409 or 503 (lock busy, lock nodes slow or down: nothing was written) tries again, as the
     * answer's Retry-After invites; it changes nothing about how many can buy one unit.
     */
    static final int RETRIES = 3;

    /** Resets the stock to 1 and sends {@code buyers} concurrent purchases on {@code route}, spread over the replicas. */
    public static Result run(Purchases purchases, String route, int buyers) {
        purchases.reset(PRODUCT, 1);
        Purchases.Outcome outcome = purchases.buy(route, PRODUCT, buyers, buyers, null, RETRIES);
        return new Result(route, buyers, outcome, purchases.stock(PRODUCT));
    }
}
